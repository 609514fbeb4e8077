/*
 * windows.h - the small part of <windows.h> that SSPI programs need, so a
 * program written for Windows compiles unchanged against Signet's SSPI
 * layer.  Only the base types; no Win32 API beyond SSPI is provided.
 */
#ifndef SIGNET_WINDOWS_H
#define SIGNET_WINDOWS_H
#include "signet_wintypes.h"
#endif
