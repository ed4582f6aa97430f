#include "wsclient.h"

#include "signalwait.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QUrl>

#include <algorithm>

WsClient::WsClient(QObject *parent) : QObject(parent)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
        // A message that is not a JSON object is queued as a marker the test will not expect.
        m_messages.append(document.isObject() ? document.object()
                                              : QJsonObject { { QStringLiteral("type"), QStringLiteral("<not an object>") },
                                                              { QStringLiteral("text"), text } });
        Q_EMIT messageQueued();
    });
}

bool WsClient::open(quint16 port, const QString &path, int timeoutMs)
{
    m_socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(path)));
    // A refused handshake may end in an error without a disconnected signal
    // (its name differs between Qt versions): the state is what settles it.
    waitForState({ QAbstractSocket::ConnectedState, QAbstractSocket::UnconnectedState }, timeoutMs);
    return isConnected();
}

bool WsClient::waitForDisconnected(int timeoutMs)
{
    return waitForState({ QAbstractSocket::UnconnectedState }, timeoutMs);
}

bool WsClient::waitForState(std::initializer_list<QAbstractSocket::SocketState> states, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        if (std::find(states.begin(), states.end(), m_socket.state()) != states.end())
            return true;
        const qint64 left = deadline.remainingTime();
        if (left <= 0 || !SignalWait::wait(&m_socket, &QWebSocket::stateChanged, int(left)))
            return std::find(states.begin(), states.end(), m_socket.state()) != states.end();
    }
}

void WsClient::send(const QJsonObject &message)
{
    sendText(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void WsClient::sendText(const QString &text)
{
    m_socket.sendTextMessage(text);
    m_socket.flush();
}

void WsClient::sendBinary(const QByteArray &data)
{
    m_socket.sendBinaryMessage(data);
    m_socket.flush();
}

QJsonObject WsClient::take(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (m_messages.isEmpty()) {
        const qint64 left = deadline.remainingTime();
        if (left <= 0 || !SignalWait::wait(this, &WsClient::messageQueued, int(left)))
            break;
    }
    return m_messages.isEmpty() ? QJsonObject() : m_messages.takeFirst();
}

bool WsClient::roundTrip(int timeoutMs)
{
    send({ { QStringLiteral("type"), QStringLiteral("ping") } });
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        // Other messages stay queued, in order, for the test to take.
        for (qsizetype i = 0; i < m_messages.size(); ++i) {
            if (m_messages.at(i).value(QLatin1String("type")).toString() == QLatin1String("pong")) {
                m_messages.removeAt(i);
                return true;
            }
        }
        const qint64 left = deadline.remainingTime();
        if (left <= 0 || !SignalWait::wait(this, &WsClient::messageQueued, int(left)))
            return false;
    }
}
