/*
 * spi.c - the plugin's exported symbols: thin gss_* / gssspi_* wrappers
 * around the Signet core, resolved by MIT's mechglue with dlsym().
 *
 * Nothing else is exported (libtool -export-symbols-regex).  The core never
 * calls these names: inside a plugin, a call to gss_foo would resolve to
 * libgssapi_krb5's gss_foo, not to ours.
 */
#include "signet.h"

#define SPI __attribute__((visibility("default")))

/* Declarations for the exported names that gssapi.h does not declare
 * with these (mechanism-side) signatures. */
SPI OM_uint32 gssspi_authorize_localname(OM_uint32 *, const gss_name_t, gss_const_buffer_t,
                                         gss_const_OID);
SPI OM_uint32 gss_internal_release_oid(OM_uint32 *, gss_OID *);
SPI OM_uint32 gssspi_set_cred_option(OM_uint32 *, gss_cred_id_t *, const gss_OID,
                                     const gss_buffer_t);

SPI OM_uint32
gss_acquire_cred(OM_uint32 *minor, gss_name_t name, OM_uint32 time_req,
                 gss_OID_set mechs, gss_cred_usage_t usage, gss_cred_id_t *cred,
                 gss_OID_set *actual, OM_uint32 *time_rec)
{
    return signet_gss_acquire_cred(minor, name, time_req, mechs, usage, cred,
                                   actual, time_rec);
}

SPI OM_uint32
gss_acquire_cred_from(OM_uint32 *minor, gss_name_t name, OM_uint32 time_req,
                      gss_OID_set mechs, gss_cred_usage_t usage,
                      gss_const_key_value_set_t store, gss_cred_id_t *cred,
                      gss_OID_set *actual, OM_uint32 *time_rec)
{
    return signet_gss_acquire_cred_from(minor, name, time_req, mechs, usage,
                                        store, cred, actual, time_rec);
}

SPI OM_uint32
gss_release_cred(OM_uint32 *minor, gss_cred_id_t *cred)
{
    return signet_gss_release_cred(minor, cred);
}

SPI OM_uint32
gss_inquire_cred(OM_uint32 *minor, gss_cred_id_t cred, gss_name_t *name,
                 OM_uint32 *lifetime, gss_cred_usage_t *usage, gss_OID_set *mechs)
{
    return signet_gss_inquire_cred(minor, cred, name, lifetime, usage, mechs);
}

SPI OM_uint32
gss_inquire_cred_by_mech(OM_uint32 *minor, gss_cred_id_t cred, gss_OID mech,
                         gss_name_t *name, OM_uint32 *init_lt,
                         OM_uint32 *acc_lt, gss_cred_usage_t *usage)
{
    return signet_gss_inquire_cred_by_mech(minor, cred, mech, name, init_lt,
                                           acc_lt, usage);
}

SPI OM_uint32
gssspi_set_cred_option(OM_uint32 *minor, gss_cred_id_t *cred,
                       const gss_OID object, const gss_buffer_t value)
{
    return signet_gss_set_cred_option(minor, cred, object, value);
}

SPI OM_uint32
gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t cred, gss_ctx_id_t *ctx,
                     gss_name_t target, gss_OID mech, OM_uint32 req_flags,
                     OM_uint32 time_req, gss_channel_bindings_t cb,
                     gss_buffer_t input, gss_OID *actual_mech,
                     gss_buffer_t output, OM_uint32 *ret_flags,
                     OM_uint32 *time_rec)
{
    return signet_gss_init_sec_context(minor, cred, ctx, target, mech, req_flags,
                                       time_req, cb, input, actual_mech, output,
                                       ret_flags, time_rec);
}

SPI OM_uint32
gss_accept_sec_context(OM_uint32 *minor, gss_ctx_id_t *ctx, gss_cred_id_t cred,
                       gss_buffer_t input, gss_channel_bindings_t cb,
                       gss_name_t *src, gss_OID *mech, gss_buffer_t output,
                       OM_uint32 *ret_flags, OM_uint32 *time_rec,
                       gss_cred_id_t *deleg)
{
    return signet_gss_accept_sec_context(minor, ctx, cred, input, cb, src, mech,
                                         output, ret_flags, time_rec, deleg);
}

SPI OM_uint32
gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *ctx, gss_buffer_t out)
{
    return signet_gss_delete_sec_context(minor, ctx, out);
}

SPI OM_uint32
gss_process_context_token(OM_uint32 *minor, gss_ctx_id_t ctx, gss_buffer_t token)
{
    return signet_gss_process_context_token(minor, ctx, token);
}

SPI OM_uint32
gss_context_time(OM_uint32 *minor, gss_ctx_id_t ctx, OM_uint32 *time_rec)
{
    return signet_gss_context_time(minor, ctx, time_rec);
}

SPI OM_uint32
gss_inquire_context(OM_uint32 *minor, gss_ctx_id_t ctx, gss_name_t *src,
                    gss_name_t *targ, OM_uint32 *lifetime, gss_OID *mech,
                    OM_uint32 *flags, int *local, int *open)
{
    return signet_gss_inquire_context(minor, ctx, src, targ, lifetime, mech,
                                      flags, local, open);
}

SPI OM_uint32
gss_inquire_sec_context_by_oid(OM_uint32 *minor, const gss_ctx_id_t ctx,
                               const gss_OID oid, gss_buffer_set_t *data)
{
    return signet_gss_inquire_sec_context_by_oid(minor, ctx, oid, data);
}

SPI OM_uint32
gss_set_sec_context_option(OM_uint32 *minor, gss_ctx_id_t *ctx,
                           const gss_OID oid, const gss_buffer_t value)
{
    return signet_gss_set_sec_context_option(minor, ctx, oid, value);
}

SPI OM_uint32
gss_display_status(OM_uint32 *minor, OM_uint32 status, int type, gss_OID mech,
                   OM_uint32 *msg_ctx, gss_buffer_t out)
{
    return signet_gss_display_status(minor, status, type, mech, msg_ctx, out);
}

SPI OM_uint32
gss_indicate_mechs(OM_uint32 *minor, gss_OID_set *mechs)
{
    return signet_gss_indicate_mechs(minor, mechs);
}

SPI OM_uint32
gss_inquire_attrs_for_mech(OM_uint32 *minor, gss_const_OID mech,
                           gss_OID_set *attrs, gss_OID_set *known)
{
    return signet_gss_inquire_attrs_for_mech(minor, mech, attrs, known);
}

SPI OM_uint32
gss_inquire_saslname_for_mech(OM_uint32 *minor, const gss_OID mech,
                              gss_buffer_t sasl, gss_buffer_t name,
                              gss_buffer_t desc)
{
    return signet_gss_inquire_saslname_for_mech(minor, mech, sasl, name, desc);
}

SPI OM_uint32
gss_inquire_mech_for_saslname(OM_uint32 *minor, const gss_buffer_t sasl,
                              gss_OID *mech)
{
    return signet_gss_inquire_mech_for_saslname(minor, sasl, mech);
}

SPI OM_uint32
gss_inquire_names_for_mech(OM_uint32 *minor, gss_OID mech, gss_OID_set *types)
{
    return signet_gss_inquire_names_for_mech(minor, mech, types);
}

SPI OM_uint32
gss_import_name(OM_uint32 *minor, gss_buffer_t buf, gss_OID type, gss_name_t *out)
{
    return signet_gss_import_name(minor, buf, type, out);
}

SPI OM_uint32
gss_display_name(OM_uint32 *minor, gss_name_t name, gss_buffer_t out,
                 gss_OID *type)
{
    return signet_gss_display_name(minor, name, out, type);
}

SPI OM_uint32
gss_compare_name(OM_uint32 *minor, gss_name_t a, gss_name_t b, int *equal)
{
    return signet_gss_compare_name(minor, a, b, equal);
}

SPI OM_uint32
gss_release_name(OM_uint32 *minor, gss_name_t *name)
{
    return signet_gss_release_name(minor, name);
}

SPI OM_uint32
gss_export_name(OM_uint32 *minor, const gss_name_t name, gss_buffer_t out)
{
    return signet_gss_export_name(minor, name, out);
}

SPI OM_uint32
gss_duplicate_name(OM_uint32 *minor, const gss_name_t in, gss_name_t *out)
{
    return signet_gss_duplicate_name(minor, in, out);
}

SPI OM_uint32
gss_inquire_name(OM_uint32 *minor, gss_name_t name, int *is_mn, gss_OID *mech,
                 gss_buffer_set_t *attrs)
{
    return signet_gss_inquire_name(minor, name, is_mn, mech, attrs);
}

SPI OM_uint32
gss_localname(OM_uint32 *minor, const gss_name_t name, gss_const_OID mech,
              gss_buffer_t out)
{
    return signet_gss_localname(minor, name, mech, out);
}

/* mechglue passes the user as a buffer and its name type (g_userok.c). */
SPI OM_uint32
gssspi_authorize_localname(OM_uint32 *minor, const gss_name_t name,
                           gss_const_buffer_t user, gss_const_OID user_type)
{
    return signet_gss_authorize_localname(minor, name, user, user_type);
}

SPI OM_uint32
gss_internal_release_oid(OM_uint32 *minor, gss_OID *oid)
{
    return signet_gss_internal_release_oid(minor, oid);
}

SPI OM_uint32
gss_get_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_qop_t qop,
            gss_buffer_t msg, gss_buffer_t tok)
{
    return signet_gss_get_mic(minor, ctx, qop, msg, tok);
}

SPI OM_uint32
gss_verify_mic(OM_uint32 *minor, gss_ctx_id_t ctx, gss_buffer_t msg,
               gss_buffer_t tok, gss_qop_t *qop)
{
    return signet_gss_verify_mic(minor, ctx, msg, tok, qop);
}

SPI OM_uint32
gss_wrap(OM_uint32 *minor, gss_ctx_id_t ctx, int conf, gss_qop_t qop,
         gss_buffer_t in, int *conf_state, gss_buffer_t out)
{
    return signet_gss_wrap(minor, ctx, conf, qop, in, conf_state, out);
}

SPI OM_uint32
gss_unwrap(OM_uint32 *minor, gss_ctx_id_t ctx, gss_buffer_t in,
           gss_buffer_t out, int *conf_state, gss_qop_t *qop)
{
    return signet_gss_unwrap(minor, ctx, in, out, conf_state, qop);
}

SPI OM_uint32
gss_wrap_size_limit(OM_uint32 *minor, gss_ctx_id_t ctx, int conf, gss_qop_t qop,
                    OM_uint32 req_out, OM_uint32 *max_in)
{
    return signet_gss_wrap_size_limit(minor, ctx, conf, qop, req_out, max_in);
}

SPI OM_uint32
gss_get_mic_iov(OM_uint32 *minor, gss_ctx_id_t ctx, gss_qop_t qop,
                gss_iov_buffer_desc *iov, int n)
{
    return signet_gss_get_mic_iov(minor, ctx, qop, iov, n);
}

SPI OM_uint32
gss_verify_mic_iov(OM_uint32 *minor, gss_ctx_id_t ctx, gss_qop_t *qop,
                   gss_iov_buffer_desc *iov, int n)
{
    return signet_gss_verify_mic_iov(minor, ctx, qop, iov, n);
}

SPI OM_uint32
gss_get_mic_iov_length(OM_uint32 *minor, gss_ctx_id_t ctx, gss_qop_t qop,
                       gss_iov_buffer_desc *iov, int n)
{
    return signet_gss_get_mic_iov_length(minor, ctx, qop, iov, n);
}

SPI OM_uint32
gss_export_sec_context(OM_uint32 *minor, gss_ctx_id_t *ctx, gss_buffer_t out)
{
    return signet_gss_export_sec_context(minor, ctx, out);
}

SPI OM_uint32
gss_import_sec_context(OM_uint32 *minor, gss_buffer_t in, gss_ctx_id_t *ctx)
{
    return signet_gss_import_sec_context(minor, in, ctx);
}

SPI OM_uint32
gss_pseudo_random(OM_uint32 *minor, gss_ctx_id_t ctx, int key,
                  const gss_buffer_t in, ssize_t len, gss_buffer_t out)
{
    return signet_gss_pseudo_random(minor, ctx, key, in, len, out);
}
