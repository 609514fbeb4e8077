"""The plugin's exported surface and what `make install` puts where."""

import re
import subprocess

from conftest import builddir

# mechglue looks plugins' functions up by these public names; nothing else
# may leak out of the plugin (a leaked core symbol could interpose on, or be
# interposed by, another library in the process).
ALLOWED = re.compile(r"^(gss|gssspi)_[a-z_]+$")
REQUIRED = {
    "gss_acquire_cred", "gss_acquire_cred_from", "gss_release_cred",
    "gss_init_sec_context", "gss_accept_sec_context",
    "gss_delete_sec_context", "gss_inquire_context", "gss_display_status",
    "gss_display_name", "gss_release_name", "gss_import_name",
    "gss_get_mic", "gss_verify_mic", "gss_wrap", "gss_unwrap",
    "gss_export_sec_context", "gss_import_sec_context",
    "gss_inquire_attrs_for_mech", "gss_inquire_saslname_for_mech",
    "gss_localname", "gssspi_authorize_localname", "gssspi_set_cred_option",
    "gss_pseudo_random", "gss_internal_release_oid",
}


def test_exports_are_only_gss_wrappers(plugin):
    out = subprocess.run(["nm", "-D", "--defined-only", str(plugin)],
                         capture_output=True, text=True, check=True).stdout
    names = {line.split()[-1] for line in out.splitlines() if line.strip()}
    leaked = sorted(n for n in names if not ALLOWED.match(n))
    assert leaked == [], "symbols other than gss_*/gssspi_* exported: %s" % leaked
    missing = sorted(REQUIRED - names)
    assert missing == [], "mechglue entry points not exported: %s" % missing
    # gss_mech_initialize would switch mechglue to a private table
    assert "gss_mech_initialize" not in names


def test_make_install_layout(tmp_path):
    dest = tmp_path / "root"
    subprocess.run(["make", "-s", "-C", str(builddir()), "install",
                    "DESTDIR=%s" % dest], check=True, capture_output=True)
    files = {str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file()}
    plugin = [f for f in files if f.endswith("/gss/mech_signet.so")]
    assert plugin, files
    assert any(f.endswith("etc/gss/mech.d/signet.conf") for f in files), files
    assert any(f.endswith("include/gssapi/gssapi_signet.h") for f in files), files
    assert any(f.endswith("pkgconfig/signet.pc") for f in files), files
    assert any(re.search(r"man/man7/signet\.7$", f) for f in files), files
    conf = next(dest.rglob("signet.conf")).read_text().split()
    assert conf[0] == "signet"
    assert conf[1] == "2.25.3215548014888410103"
    assert conf[2].endswith("/gss/mech_signet.so")
    # no libtool archive next to a plugin that is dlopen()ed by path
    assert not any(f.endswith("mech_signet.la") for f in files), files
