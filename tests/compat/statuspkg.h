/*
 * statuspkg.h - the control of tests/compat/statuspkg.c, the package
 * "TestStatus" whose every function returns the NTSTATUS the test sets.
 */
#ifndef SSPI_TEST_STATUSPKG_H
#define SSPI_TEST_STATUSPKG_H

#define STATUSPKG_NAME "TestStatus"
/* SetCredentialsAttributes(cred, STATUSPKG_SET_RESULT, &nt, sizeof(NTSTATUS)):
 * every later call of the package returns nt. */
#define STATUSPKG_SET_RESULT 0x53540001u

#endif
