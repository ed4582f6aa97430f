#ifndef QRCODESVG_H
#define QRCODESVG_H

#include <QByteArray>
#include <QList>
#include <QString>

// A QR code as an SVG image (docs/http.md, "/listen.svg"). libqrencode
// chooses the version and the mask; this class only draws its modules:
// one path of dark runs, row by row, inside the four-module quiet zone the
// standard asks for, in module units (the image scales without blur).
class QrCodeSvg
{
public:
    // The symbol's modules, row by row, `size` by `size`.
    struct Grid
    {
        int size = 0;
        QList<bool> dark;

        bool isNull() const { return size == 0; }
        bool at(int x, int y) const { return dark.at(y * size + x); }
        bool operator==(const Grid &other) const { return size == other.size && dark == other.dark; }
    };

    static constexpr int QuietZone = 4;

    // Error correction M (15 % of the symbol may be lost), 8-bit data, the
    // smallest version that holds `text`; null when it does not fit.
    static Grid encode(const QString &text);
    // The image of `grid`; empty for a null grid.
    static QByteArray svg(const Grid &grid);
    static QByteArray svg(const QString &text) { return svg(encode(text)); }
};

#endif // QRCODESVG_H
