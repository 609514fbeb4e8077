# signet_cflags.m4 - compiler-flag probing for Signet's configure.
#
# SIGNET_CHECK_CFLAGS(VARIABLE, FLAG...)
# Appends to the shell variable VARIABLE every FLAG that the C compiler
# accepts without a diagnostic: each is compiled into an empty program with
# -Werror (clang only warns about unknown -W options).  GCC accepts any
# -Wno-X silently, so -Wno-X is probed as -WX.  Results are cached
# (signet_cv_cflag_*), as AX_CHECK_COMPILE_FLAG would, without needing
# autoconf-archive.
AC_DEFUN([SIGNET_CHECK_CFLAGS],
[AC_LANG_PUSH([C])
for signet_flag in $2; do
  signet_probe=`AS_ECHO(["$signet_flag"]) | sed 's/^-Wno-/-W/'`
  AS_VAR_PUSHDEF([signet_cv], [signet_cv_cflag_$signet_probe])
  AC_CACHE_CHECK([whether $CC accepts $signet_flag], [signet_cv],
    [signet_save_CFLAGS=$CFLAGS
     CFLAGS="$CFLAGS -Werror $signet_probe"
     AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
       [AS_VAR_SET([signet_cv], [yes])], [AS_VAR_SET([signet_cv], [no])])
     CFLAGS=$signet_save_CFLAGS])
  AS_VAR_IF([signet_cv], [yes], [$1="${$1:+$$1 }$signet_flag"])
  AS_VAR_POPDEF([signet_cv])
done
AC_LANG_POP([C])])

# SIGNET_EXPAND_DIR(VARIABLE, VALUE)
# Sets VARIABLE to VALUE with every ${prefix}-style reference expanded, as
# `make install` would resolve it (for files that config.status writes:
# the man pages show real paths).
AC_DEFUN([SIGNET_EXPAND_DIR],
[signet_save_prefix=$prefix
signet_save_exec_prefix=$exec_prefix
test "x$prefix" = xNONE && prefix=$ac_default_prefix
test "x$exec_prefix" = xNONE && exec_prefix='${prefix}'
signet_value=$2
signet_prev=
while test "x$signet_value" != "x$signet_prev"; do
  signet_prev=$signet_value
  eval signet_value=\"$signet_value\"
done
$1=$signet_value
prefix=$signet_save_prefix
exec_prefix=$signet_save_exec_prefix
AC_SUBST([$1])])
