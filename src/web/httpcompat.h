#ifndef HTTPCOMPAT_H
#define HTTPCOMPAT_H

#include <QtGlobal>
#include <QHttpServerResponder>

// QHttpServer's handlers take the responder by rvalue reference up to Qt 6.4
// and by lvalue reference from 6.5 on (a static_assert rejects the other form).
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
using HttpResponder = QHttpServerResponder &;
#else
using HttpResponder = QHttpServerResponder &&;
#endif

#endif // HTTPCOMPAT_H
