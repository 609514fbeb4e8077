/*
 * security.h - as on Windows: the SSPI declarations (<sspi.h>).  Windows
 * requires SECURITY_WIN32 (or SECURITY_KERNEL) to be defined first; Signet
 * defines SECURITY_WIN32 when neither is.
 */
#ifndef SIGNET_SECURITY_H
#define SIGNET_SECURITY_H
#if !defined(SECURITY_WIN32) && !defined(SECURITY_KERNEL) && !defined(SECURITY_MAC)
#define SECURITY_WIN32
#endif
#include "sspi.h"
#endif
