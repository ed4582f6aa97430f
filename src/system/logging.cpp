#include "system/logging.h"

// Debug output is off by default: steady state stays quiet in the journal.
Q_LOGGING_CATEGORY(lcApp, "panel.app", QtInfoMsg)
Q_LOGGING_CATEGORY(lcConfig, "panel.config", QtInfoMsg)
Q_LOGGING_CATEGORY(lcController, "panel.controller", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSerial, "panel.serial", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "panel.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWs, "panel.ws", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMedia, "panel.media", QtInfoMsg)
Q_LOGGING_CATEGORY(lcRecords, "panel.records", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAdmin, "panel.admin", QtInfoMsg)
