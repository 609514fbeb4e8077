/*
 * bridge.h - internal interfaces of the GSS bridge package (compat/bridge_*.c,
 * compat/gss_ops.c).
 *
 * One security package over any GSS-API mechanism.  Whatever differs
 * between the built-in packages (Negotiate, Kerberos, NTLM, Signet) is one
 * entry of the table of mechanism descriptions, struct sspi_mech: a new
 * package is one more entry, and no other file of the bridge tests which
 * mechanism it serves.  By concern:
 *
 *   bridge_mechs.c    the table of mechanism descriptions and the quirk
 *                     hooks its entries name
 *   bridge_package.c  each entry as a package: SpGetInfo, the
 *                     SECPKG_FUNCTION_TABLE / SECPKG_USER_FUNCTION_TABLE, the
 *                     thunks that tell the entries apart
 *   bridge_names.c    SPNs and user names -> GSS names, GSS names -> text
 *   bridge_cred.c     credentials: SpAcquireCredentialsHandle (identities,
 *                     SIGNET_AUTH_DATA), SpFreeCredentialsHandle,
 *                     SpQueryCredentialsAttributes
 *   bridge_context.c  establishment: SpInitLsaModeContext,
 *                     SpAcceptLsaModeContext, SpDeleteContext, what an
 *                     established context is (flags, names, sizes)
 *   bridge_message.c  per-message calls: SpMakeSignature, SpVerifySignature
 *                     (SpSealMessage / SpUnsealMessage go here)
 *   bridge_attrs.c    SpQueryContextAttributes
 *   bridge_export.c   SpExportSecurityContext, SpImportSecurityContext
 *   gss_ops.c         the two GSS function tables: mechglue's gss_* and the
 *                     Signet core's signet_gss_* (called directly)
 *
 * Threads: after establishment a context's bridge object is read-only, so
 * the per-message calls may run concurrently on one context as far as the
 * mechanism allows (Signet: yes; docs/tokens.md section 8).  The one
 * exception, ExportSecurityContext without DELETE_OLD, replaces c->ctx: the
 * dispatcher runs it with the handle held exclusively (handles.c).
 * Every name here starts with sspi_; nothing here is exported.
 */
#ifndef SIGNET_SSPI_BRIDGE_H
#define SIGNET_SSPI_BRIDGE_H

#include <string.h>
#include <sys/types.h>

#include <gssapi/gssapi_signet.h>   /* GSS_C_DATAGRAM_FLAG */

#include "sspi_int.h"

/* ---- GSS function tables (gss_ops.c) ------------------------------------------ */
struct sspi_gss_ops {
    OM_uint32 (*acquire_cred_from)(OM_uint32 *, gss_name_t, OM_uint32, gss_OID_set,
                                   gss_cred_usage_t, gss_const_key_value_set_t,
                                   gss_cred_id_t *, gss_OID_set *, OM_uint32 *);
    /* NULL: the mechanism takes no passwords */
    OM_uint32 (*acquire_cred_with_password)(OM_uint32 *, const gss_name_t,
                                            const gss_buffer_t, OM_uint32,
                                            const gss_OID_set, gss_cred_usage_t,
                                            gss_cred_id_t *, gss_OID_set *, OM_uint32 *);
    OM_uint32 (*release_cred)(OM_uint32 *, gss_cred_id_t *);
    OM_uint32 (*inquire_cred)(OM_uint32 *, gss_cred_id_t, gss_name_t *, OM_uint32 *,
                              gss_cred_usage_t *, gss_OID_set *);
    OM_uint32 (*init_sec_context)(OM_uint32 *, gss_cred_id_t, gss_ctx_id_t *, gss_name_t,
                                  gss_OID, OM_uint32, OM_uint32, gss_channel_bindings_t,
                                  gss_buffer_t, gss_OID *, gss_buffer_t, OM_uint32 *,
                                  OM_uint32 *);
    OM_uint32 (*accept_sec_context)(OM_uint32 *, gss_ctx_id_t *, gss_cred_id_t, gss_buffer_t,
                                    gss_channel_bindings_t, gss_name_t *, gss_OID *,
                                    gss_buffer_t, OM_uint32 *, OM_uint32 *, gss_cred_id_t *);
    OM_uint32 (*delete_sec_context)(OM_uint32 *, gss_ctx_id_t *, gss_buffer_t);
    OM_uint32 (*inquire_context)(OM_uint32 *, gss_ctx_id_t, gss_name_t *, gss_name_t *,
                                 OM_uint32 *, gss_OID *, OM_uint32 *, int *, int *);
    OM_uint32 (*get_mic)(OM_uint32 *, gss_ctx_id_t, gss_qop_t, gss_buffer_t, gss_buffer_t);
    OM_uint32 (*verify_mic)(OM_uint32 *, gss_ctx_id_t, gss_buffer_t, gss_buffer_t,
                            gss_qop_t *);
    OM_uint32 (*get_mic_iov)(OM_uint32 *, gss_ctx_id_t, gss_qop_t, gss_iov_buffer_desc *,
                             int);
    OM_uint32 (*verify_mic_iov)(OM_uint32 *, gss_ctx_id_t, gss_qop_t *,
                                gss_iov_buffer_desc *, int);
    OM_uint32 (*get_mic_iov_length)(OM_uint32 *, gss_ctx_id_t, gss_qop_t,
                                    gss_iov_buffer_desc *, int);
    OM_uint32 (*wrap)(OM_uint32 *, gss_ctx_id_t, int, gss_qop_t, gss_buffer_t, int *,
                      gss_buffer_t);
    OM_uint32 (*unwrap)(OM_uint32 *, gss_ctx_id_t, gss_buffer_t, gss_buffer_t, int *,
                        gss_qop_t *);
    OM_uint32 (*wrap_size_limit)(OM_uint32 *, gss_ctx_id_t, int, gss_qop_t, OM_uint32,
                                 OM_uint32 *);
    OM_uint32 (*export_sec_context)(OM_uint32 *, gss_ctx_id_t *, gss_buffer_t);
    OM_uint32 (*import_sec_context)(OM_uint32 *, gss_buffer_t, gss_ctx_id_t *);
    OM_uint32 (*import_name)(OM_uint32 *, gss_buffer_t, gss_OID, gss_name_t *);
    OM_uint32 (*display_name)(OM_uint32 *, gss_name_t, gss_buffer_t, gss_OID *);
    OM_uint32 (*release_name)(OM_uint32 *, gss_name_t *);
    OM_uint32 (*set_sec_context_option)(OM_uint32 *, gss_ctx_id_t *, const gss_OID,
                                        const gss_buffer_t);
    OM_uint32 (*inquire_sec_context_by_oid)(OM_uint32 *, const gss_ctx_id_t, const gss_OID,
                                            gss_buffer_set_t *);
    OM_uint32 (*pseudo_random)(OM_uint32 *, gss_ctx_id_t, int, const gss_buffer_t, ssize_t,
                               gss_buffer_t);
    OM_uint32 (*release_buffer)(OM_uint32 *, gss_buffer_t);
    OM_uint32 (*release_buffer_set)(OM_uint32 *, gss_buffer_set_t *);
};

extern const struct sspi_gss_ops sspi_gss_ops_mechglue;
extern const struct sspi_gss_ops sspi_gss_ops_signet;

/* ---- the table of mechanism descriptions (bridge_mechs.c) ------------------------ */
struct sspi_bridge_ctx;

/* How a SEC_WINNT_AUTH_IDENTITY's User and Domain make one name. */
enum sspi_user_form {
    SSPI_USER_AT_DOMAIN = 0,          /* user@DOMAIN (a Kerberos principal) */
    SSPI_USER_DOMAIN_BACKSLASH        /* DOMAIN\user (NTLM) */
};

/* SECPKG_ATTR_KEY_INFO, before its strings become UTF-16. */
struct sspi_key_info {
    ULONG bits;
    ULONG sig_alg, enc_alg;
    const char *sig_name, *enc_name;
};

/* The most QOPs a context keeps MIC sizes for: 0 .. SSPI_BRIDGE_MAX_QOP. */
#define SSPI_BRIDGE_MAX_QOP 4

/*
 * One entry: a package and the mechanism behind it.  Every field not set
 * is 0 / NULL, which is the common behaviour; the quirks of a mechanism are
 * the fields it sets.  A context's quirks come from the entry of the
 * mechanism it negotiated (Negotiate over NTLM: NTLM's), looked up among
 * the entries reached through the same GSS functions, else from its
 * package's entry (sspi_mech_negotiated).
 */
struct sspi_mech {
    /* the package, as SecPkgInfo shows it */
    const char *name;
    const char *comment;
    ULONG caps;                       /* SECPKG_FLAG_* */
    USHORT version;
    USHORT rpcid;                     /* RPC_C_AUTHN_*, SECPKG_ID_NONE */
    ULONG max_token;                  /* cbMaxToken, Windows' figure */
    /* whether the registry lists the package; NULL: always */
    int (*listed)(const struct sspi_mech *m);

    /* the mechanism and how it is reached */
    gss_OID_desc oid;
    const struct sspi_gss_ops *ops;
    int signet_minors;                /* failure policy: minor codes are the Signet
                                         core's own, so status.c reads them */
    int datagram;                     /* ISC_REQ_DATAGRAM -> GSS_C_DATAGRAM_FLAG */
    gss_qop_t max_qop;                /* cbMaxSignature: the largest MIC over QOPs
                                         0..max_qop (<= SSPI_BRIDGE_MAX_QOP) */
    ULONG fallback_mic;               /* MIC size when the mechanism cannot tell it */

    /* names */
    enum sspi_user_form user_form;
    int name_nul;                     /* import names with their terminating NUL */
    const gss_OID *realm_spn_type;    /* an SPN with a realm, "class/host@REALM",
                                         is a name of this type (Kerberos: a
                                         principal name); NULL: host-based */
    int no_acceptor_target_name;      /* never ask an acceptor's context for its
                                         target name */

    /* credentials (AcquireCredentialsHandle's pAuthData) */
    int takes_identity;               /* SEC_WINNT_AUTH_IDENTITY(_EX) A/W */
    int signet_auth_keys;             /* SIGNET_AUTH_DATA's named fields become
                                         cred-store keys (its Extra pairs always do) */

    /* MessageSeqNo of a datagram context (NULL/0: ignored, the mechanism
     * sequences internally) */
    int seqno_in_params;              /* as an 8-byte big-endian MECH_PARAMS buffer,
                                         unless the caller gave a PKG_PARAMS */
    OM_uint32 (*set_seqno)(const struct sspi_mech *m, gss_ctx_id_t ctx, ULONG seqno,
                           OM_uint32 *minor);   /* told before each per-message call */

    /* attributes; NULL: SEC_E_UNSUPPORTED_FUNCTION */
    NTSTATUS (*session_key)(const struct sspi_bridge_ctx *c, SecPkgContext_SessionKey *sk,
                            int *enctype);
    NTSTATUS (*key_info)(const struct sspi_bridge_ctx *c, struct sspi_key_info *ki);
};

/* Entries of the table, in registry order; NULL past the end. */
const struct sspi_mech *sspi_mech_at(size_t i);
/* The entry a context of package pkg that negotiated mech takes its quirks from. */
const struct sspi_mech *sspi_mech_negotiated(const struct sspi_mech *pkg, gss_const_OID mech);
/* The package functions are slot thunks (bridge_package.c): at most this many entries. */
#define SSPI_BRIDGE_SLOTS 8

static inline int
sspi_oid_equal(gss_const_OID a, gss_const_OID b)
{
    return a != NULL && b != NULL && a->length == b->length &&
           memcmp(a->elements, b->elements, a->length) == 0;
}

/* The NTSTATUS of a GSS result of package pkg at site (status.c). */
static inline NTSTATUS
sspi_bridge_status(const struct sspi_mech *pkg, enum sspi_site site, OM_uint32 major,
                   OM_uint32 minor, OM_uint32 gss_flags)
{
    return sspi_status_from_gss(site, major, minor, pkg->signet_minors, gss_flags);
}

/* ---- credentials and contexts --------------------------------------------------- */
struct sspi_bridge_cred {
    const struct sspi_mech *pkg;
    gss_cred_id_t cred;
    gss_cred_usage_t usage;
};

struct sspi_bridge_ctx {
    const struct sspi_mech *pkg;      /* the package that made it */
    const struct sspi_mech *mech;     /* where its quirks come from (set when
                                         established; pkg before) */
    gss_ctx_id_t ctx;
    gss_name_t target;
    int initiator;
    int established;
    ULONG req;                        /* ISC_REQ_* / ASC_REQ_* */
    OM_uint32 gss_req;
    OM_uint32 gss_flags;              /* negotiated */
    ULONG attrs;                      /* ISC_RET_* / ASC_RET_* */
    int64_t start, expiry;
    char *client_name, *server_name;
    int datagram;                     /* transport-supplied sequence numbers */
    int seqno_in_params;              /* datagram && mech->seqno_in_params */
    OM_uint32 (*set_seqno)(const struct sspi_mech *, gss_ctx_id_t, ULONG, OM_uint32 *);
    ULONG max_signature, trailer;
    ULONG mic_len[SSPI_BRIDGE_MAX_QOP + 1];   /* MIC size by QOP, 0 = ask the mech */
};

/* ---- names (bridge_names.c) ------------------------------------------------------- */
/* Imports s: an SPN "class/host[:port][/x]" becomes the host-based name
 * "class@host" (a realm SPN stays a Kerberos principal where the entry says
 * so); user != 0 takes anything else as a user name. */
OM_uint32 sspi_bridge_import_name(const struct sspi_mech *pkg, const char *s, int user,
                                  gss_name_t *out);
/* The display form of name, malloc'ed; NULL for no name or on failure. */
char *sspi_bridge_display(const struct sspi_mech *pkg, gss_name_t name);
/* s (NULL: "") as a malloc'ed UTF-16 string. */
SEC_WCHAR *sspi_bridge_wdup(const char *s);

/* ---- package functions -------------------------------------------------------------- */
/* bridge_cred.c */
NTSTATUS sspi_bridge_acquire(const struct sspi_mech *pkg, PUNICODE_STRING principal,
                             ULONG use, PVOID auth, PLSA_SEC_HANDLE out, PTimeStamp expiry);
NTSTATUS NTAPI sspi_bridge_free_cred(LSA_SEC_HANDLE h);
NTSTATUS NTAPI sspi_bridge_query_cred(LSA_SEC_HANDLE h, ULONG attr, PVOID buffer);
/* bridge_context.c */
NTSTATUS sspi_bridge_establish(const struct sspi_mech *pkg, int accept, LSA_SEC_HANDLE credh,
                               LSA_SEC_HANDLE ctxh, PUNICODE_STRING target, ULONG req,
                               PSecBufferDesc in, PLSA_SEC_HANDLE newh, PSecBufferDesc out,
                               PULONG attrs, PTimeStamp expiry);
NTSTATUS NTAPI sspi_bridge_delete(LSA_SEC_HANDLE h);
/* Reads what an established (or imported) context is: names, flags,
 * lifetime, sizes, the entry its quirks come from. */
void sspi_bridge_finish(struct sspi_bridge_ctx *c);
/* bridge_message.c */
NTSTATUS NTAPI sspi_bridge_make_signature(LSA_SEC_HANDLE h, ULONG qop, PSecBufferDesc msg,
                                          ULONG seqno);
NTSTATUS NTAPI sspi_bridge_verify_signature(LSA_SEC_HANDLE h, PSecBufferDesc msg, ULONG seqno,
                                            PULONG pfqop);
/* The size of a MIC for qop, or 0 when the mechanism cannot tell
 * (*major_out, may be NULL, gets its answer). */
ULONG sspi_bridge_mic_length(const struct sspi_bridge_ctx *c, gss_qop_t qop,
                             OM_uint32 *major_out);
/* bridge_attrs.c */
NTSTATUS NTAPI sspi_bridge_query_context(LSA_SEC_HANDLE h, ULONG attr, PVOID buffer);
/* bridge_export.c */
NTSTATUS NTAPI sspi_bridge_export(LSA_SEC_HANDLE h, ULONG flags, PSecBuffer packed,
                                  PHANDLE token);
NTSTATUS sspi_bridge_import(const struct sspi_mech *pkg, PSecBuffer packed,
                            PLSA_SEC_HANDLE out);

#endif /* SIGNET_SSPI_BRIDGE_H */
