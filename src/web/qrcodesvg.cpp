#include "web/qrcodesvg.h"

#include <qrencode.h>

#include <memory>

QrCodeSvg::Grid QrCodeSvg::encode(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    if (utf8.isEmpty() || utf8.contains('\0'))
        return {};
    // Version 0: the smallest that fits; case-sensitive, so 8-bit mode is
    // used for what is not all digits or upper case.
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
            QRcode_encodeString(utf8.constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    if (!code)
        return {};
    Grid grid;
    grid.size = code->width;
    grid.dark.resize(qsizetype(code->width) * code->width);
    for (qsizetype i = 0; i < grid.dark.size(); ++i)
        grid.dark[i] = code->data[i] & 1; // the lowest bit is the module's colour
    return grid;
}

QByteArray QrCodeSvg::svg(const Grid &grid)
{
    if (grid.isNull())
        return {};
    const QByteArray side = QByteArray::number(grid.size + 2 * QuietZone);
    QByteArray path;
    for (int y = 0; y < grid.size; ++y) {
        for (int x = 0; x < grid.size;) {
            if (!grid.at(x, y)) {
                ++x;
                continue;
            }
            int run = 1;
            while (x + run < grid.size && grid.at(x + run, y))
                ++run;
            path += 'M' + QByteArray::number(x + QuietZone) + ',' + QByteArray::number(y + QuietZone) + 'h'
                    + QByteArray::number(run) + "v1h-" + QByteArray::number(run) + 'z';
            x += run;
        }
    }
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + side + ' ' + side + "\" width=\"" + side
            + "\" height=\"" + side + "\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"" + side + "\" height=\"" + side + "\" fill=\"#fff\"/>"
            + "<path fill=\"#000\" d=\"" + path + "\"/></svg>\n";
}
