#ifndef METRICSTEXT_H
#define METRICSTEXT_H

#include <QByteArray>
#include <QString>

struct GatewaySnapshot;

// The body of /metrics: the snapshot's facts in Prometheus' text format
// 0.0.4 (docs/http.md, "/metrics"). Pure: the same snapshot gives the same
// bytes, so the tests check it line by line.
namespace MetricsText {

// The Content-Type of that format.
QByteArray contentType();
QByteArray format(const GatewaySnapshot &snapshot);
// A label value between its quotes: \ " and newline escaped.
QString escapeLabelValue(const QString &value);

} // namespace MetricsText

#endif // METRICSTEXT_H
