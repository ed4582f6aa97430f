#include "web/qrcodesvg.h"

#include <QRegularExpression>
#include <QTest>

#include <qrencode.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

// What libqrencode gives for `text`, row by row, as a grid of booleans.
QrCodeSvg::Grid reference(const QByteArray &text)
{
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
            QRcode_encodeString(text.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    QrCodeSvg::Grid grid;
    if (!code)
        return grid;
    grid.size = code->width;
    for (int i = 0; i < code->width * code->width; ++i)
        grid.dark.append(code->data[i] & 1);
    return grid;
}

// The modules an SVG draws, read back from its viewBox and path: the quiet
// zone must be empty, and every run one module high.
QrCodeSvg::Grid drawn(const QByteArray &svg, QString *error)
{
    const QString text = QString::fromUtf8(svg);
    const auto box = QRegularExpression(u"viewBox=\"0 0 (\\d+) (\\d+)\""_s).match(text);
    if (!box.hasMatch() || box.captured(1) != box.captured(2)) {
        *error = u"no square viewBox"_s;
        return {};
    }
    const int side = box.captured(1).toInt();
    QrCodeSvg::Grid grid;
    grid.size = side - 2 * QrCodeSvg::QuietZone;
    grid.dark.fill(false, qsizetype(grid.size) * grid.size);
    const auto path = QRegularExpression(u" d=\"([^\"]*)\""_s).match(text);
    if (!path.hasMatch()) {
        *error = u"no path"_s;
        return {};
    }
    static const QRegularExpression run(u"M(\\d+),(\\d+)h(\\d+)v1h-(\\d+)z"_s);
    qsizetype consumed = 0;
    for (auto it = run.globalMatch(path.captured(1)); it.hasNext();) {
        const auto m = it.next();
        if (m.capturedStart() != consumed || m.captured(3) != m.captured(4)) {
            *error = u"unexpected path data at "_s + QString::number(consumed);
            return {};
        }
        consumed = m.capturedEnd();
        const int x = m.captured(1).toInt() - QrCodeSvg::QuietZone;
        const int y = m.captured(2).toInt() - QrCodeSvg::QuietZone;
        const int length = m.captured(3).toInt();
        if (x < 0 || y < 0 || y >= grid.size || x + length > grid.size) {
            *error = u"a run outside the symbol"_s;
            return {};
        }
        for (int i = 0; i < length; ++i)
            grid.dark[y * grid.size + x + i] = true;
    }
    if (consumed != path.captured(1).size())
        *error = u"trailing path data"_s;
    return grid;
}

} // namespace

// docs/http.md, "/listen.svg": the image of libqrencode's symbol, module
// for module, with its quiet zone.
class tst_QrCodeSvg : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameModulesAsLibqrencode_data();
    void sameModulesAsLibqrencode();
    void nothingToDraw_data();
    void nothingToDraw();
};

void tst_QrCodeSvg::sameModulesAsLibqrencode_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("listen url") << u"http://192.168.1.20:8080/listen"_s;
    QTest::newRow("one letter") << u"x"_s;
    QTest::newRow("digits only") << u"0123456789"_s;
    QTest::newRow("upper case") << u"HTTP://EXHIBIT/LISTEN"_s;
    QTest::newRow("non-ascii host") << u"http://müllerhaus.example/listen"_s;
    QTest::newRow("long") << u"https://museum.example/exhibits/"_s + QString(300, u'a') + u"/listen"_s;
}

void tst_QrCodeSvg::sameModulesAsLibqrencode()
{
    QFETCH(QString, text);
    const QrCodeSvg::Grid expected = reference(text.toUtf8());
    QVERIFY(!expected.isNull());
    QCOMPARE(QrCodeSvg::encode(text), expected);

    QString error;
    const QrCodeSvg::Grid image = drawn(QrCodeSvg::svg(text), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(image.size, expected.size);
    QCOMPARE(image.dark, expected.dark);
}

void tst_QrCodeSvg::nothingToDraw_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("empty") << QString();
    QTest::newRow("too long for any version") << QString(4000, u'x');
}

void tst_QrCodeSvg::nothingToDraw()
{
    QFETCH(QString, text);
    QVERIFY(QrCodeSvg::encode(text).isNull());
    QVERIFY(QrCodeSvg::svg(text).isEmpty());
}

QTEST_GUILESS_MAIN(tst_QrCodeSvg)
#include "tst_qrcodesvg.moc"
