#!/usr/bin/python3
"""peer.py - a python3-gssapi peer for the Signet tests.

Run it in its own process, with its own environment (GSS_MECH_CONFIG,
SIGNET_* settings), so that initiator and acceptor can hold different
credentials.  Three modes:

  peer.py rpc
      Reads one JSON command per line on stdin and answers one JSON line on
      stdout.  The test process drives two such peers and carries the tokens
      between them, so it can also truncate, corrupt, replay or misdirect
      them.  Every answer has "ok"; failures carry the GSS major code and the
      gss_display_status texts (never rely on minor numbers: mechglue
      renumbers them).

  peer.py client --port P [--host H] [--target host@localhost] ...
  peer.py server [--port 0] ...
      Speak the protocol of MIT's gss-sample programs (one flag byte, a
      4-byte big-endian length, the token) over TCP, so a python peer talks to
      gss-server or gss-client.  With --ext on both python sides a second
      round trip checks a MIC made by the initiator and a token wrapped by
      the acceptor.  The server prints "listening <port>" once it listens.
      Both print a JSON report as their last stdout line.
"""

import argparse
import ctypes
import ctypes.util
import json
import os
import socket
import struct
import sys

import gssapi
import gssapi.raw as gr
from gssapi.raw import ext_dce, ext_iov_mic
from gssapi.raw import misc as grmisc

SIGNET_OID = gssapi.OID.from_int_seq("2.25.3215548014888410103")
SPNEGO_OID = gssapi.OID.from_int_seq("1.3.6.1.5.5.2")
# SIGNET_OPT_NEXT_SEQNUM_OID_DER (gssapi_signet.h): 2.25.3215548014888410103.2.1
SIGNET_NEXT_SEQ_OID = bytes.fromhex("69accffafca08d8bb7770201")

# gss-sample token flags (src/appl/gss-sample/gss-misc.h)
TOKEN_NOOP = 1 << 0
TOKEN_CONTEXT = 1 << 1
TOKEN_DATA = 1 << 2
TOKEN_MIC = 1 << 3
TOKEN_CONTEXT_NEXT = 1 << 4
TOKEN_WRAPPED = 1 << 5
TOKEN_ENCRYPTED = 1 << 6
TOKEN_SEND_MIC = 1 << 7

NAME_TYPES = {
    "hostbased": gssapi.NameType.hostbased_service,
    "user": gssapi.NameType.user,
    "anonymous": gssapi.NameType.anonymous,
    # Signet's peer name type: "x509:<DN>" or "psk:<identity>"
    "signet": gssapi.OID.from_int_seq("2.25.3215548014888410103.1"),
}


# ---------------------------------------------------------------- helpers

def hexb(data):
    return None if data is None else bytes(data).hex()


def unhex(text):
    return None if text is None else bytes.fromhex(text)


def status_texts(code, is_major):
    """All gss_display_status sentences for a code (mech looked up by
    mechglue from the renumbered minor)."""
    texts = []
    ctx = 0
    while True:
        try:
            msg, ctx, more = grmisc._display_status(code, is_major, None, ctx)
        except Exception as exc:  # pragma: no cover - reported to the test
            texts.append("<display_status failed: %r>" % (exc,))
            break
        texts.append(msg.decode("utf-8", "replace"))
        if not more or not ctx:
            break
    return texts


def error_answer(exc):
    ans = {"ok": False, "exception": type(exc).__name__}
    if isinstance(exc, gr.GSSError):
        ans["major"] = exc.maj_code
        ans["routine"] = exc.maj_code & 0x00FF0000
        ans["supplementary"] = exc.maj_code & 0x0000FFFF
        ans["calling"] = exc.maj_code & 0xFF000000
        ans["major_text"] = " ".join(status_texts(exc.maj_code, True))
        ans["minor_text"] = (" ".join(status_texts(exc.min_code, False))
                             if exc.min_code else "")
        ans["token"] = hexb(getattr(exc, "token", None))
    else:
        ans["major"] = None
        ans["text"] = str(exc)
    return ans


def display(name):
    if name is None:
        return None
    try:
        res = gr.display_name(name, name_type=True)
        return res.name.decode("utf-8", "replace")
    except gr.GSSError:
        return "<display_name failed>"


def make_cb(text):
    if text is None:
        return None
    return gr.ChannelBindings(application_data=text.encode())


class _Buffer(ctypes.Structure):
    _fields_ = [("length", ctypes.c_size_t), ("value", ctypes.c_void_p)]


_libgss = None


def libgss():
    """libgssapi_krb5, the same mechglue python-gssapi uses."""
    global _libgss
    if _libgss is None:
        lib = ctypes.CDLL(ctypes.util.find_library("gssapi_krb5")
                          or "libgssapi_krb5.so.2")
        U32 = ctypes.c_uint32
        B = ctypes.POINTER(_Buffer)
        lib.gss_import_sec_context.argtypes = [
            ctypes.POINTER(U32), B, ctypes.POINTER(ctypes.c_void_p)]
        lib.gss_export_sec_context.argtypes = [
            ctypes.POINTER(U32), ctypes.POINTER(ctypes.c_void_p), B]
        lib.gss_pseudo_random.argtypes = [
            ctypes.POINTER(U32), ctypes.c_void_p, ctypes.c_int, B,
            ctypes.c_ssize_t, B]
        lib.gss_release_buffer.argtypes = [ctypes.POINTER(U32), B]
        for fn in ("gss_import_sec_context", "gss_export_sec_context",
                   "gss_pseudo_random", "gss_release_buffer"):
            getattr(lib, fn).restype = U32
        _libgss = lib
    return _libgss


def pseudo_random(context, prf_key, prf_in, length):
    """gss_pseudo_random on a python-gssapi context.

    python-gssapi 1.8.2 has no binding for it, so the context is exported,
    imported as a plain handle with ctypes (same mechglue), used, and handed
    back to python-gssapi the same way.  Returns (new_context, output).
    """
    lib = libgss()
    minor = ctypes.c_uint32(0)
    token = gr.export_sec_context(context)
    inbuf = _Buffer(len(token), ctypes.cast(ctypes.c_char_p(token),
                                            ctypes.c_void_p))
    handle = ctypes.c_void_p(None)
    major = lib.gss_import_sec_context(ctypes.byref(minor), ctypes.byref(inbuf),
                                       ctypes.byref(handle))
    if major:
        raise gr.GSSError(major, minor.value)
    prf_buf = ctypes.create_string_buffer(prf_in, len(prf_in))
    pin = _Buffer(len(prf_in), ctypes.cast(prf_buf, ctypes.c_void_p))
    pout = _Buffer(0, None)
    major = lib.gss_pseudo_random(ctypes.byref(minor), handle, prf_key,
                                  ctypes.byref(pin), length, ctypes.byref(pout))
    prf_major, prf_minor = major, minor.value
    out = ctypes.string_at(pout.value, pout.length) if pout.value else b""
    lib.gss_release_buffer(ctypes.byref(minor), ctypes.byref(pout))
    expbuf = _Buffer(0, None)
    major = lib.gss_export_sec_context(ctypes.byref(minor), ctypes.byref(handle),
                                       ctypes.byref(expbuf))
    if major:
        raise gr.GSSError(major, minor.value)
    again = ctypes.string_at(expbuf.value, expbuf.length)
    lib.gss_release_buffer(ctypes.byref(minor), ctypes.byref(expbuf))
    new_context = gr.import_sec_context(again)
    if prf_major:
        err = gr.GSSError(prf_major, prf_minor)
        err.context = new_context
        raise err
    return new_context, out


def context_info(context):
    res = gr.inquire_context(context)
    return {
        "initiator": display(res.initiator_name),
        "target": display(res.target_name),
        "lifetime": res.lifetime,
        "mech": res.mech.dotted_form if res.mech else None,
        "flags": int(res.flags) if res.flags is not None else None,
        "locally_initiated": bool(res.locally_init),
        "complete": bool(res.complete),
    }


# ---------------------------------------------------------------- rpc mode

class Rpc:
    def __init__(self):
        self.creds = {}      # slot -> Creds
        self.contexts = {}   # slot -> SecurityContext

    def run(self, line):
        req = json.loads(line)
        op = req.pop("op")
        try:
            ans = getattr(self, "op_" + op)(**req)
            ans.setdefault("ok", True)
            return ans
        except gr.GSSError as exc:
            return error_answer(exc)

    # -- credentials
    def op_acquire(self, slot="default", usage="both", store=None,
                   name=None, name_type="hostbased", mech="signet"):
        mechs = [SIGNET_OID if mech == "signet" else SPNEGO_OID]
        gname = (gr.import_name(name.encode(), NAME_TYPES[name_type])
                 if name else None)
        if store is not None:
            # bytes keys and values: python-gssapi 1.8.2 keeps pointers to
            # temporary encodings of str items (all elements then alias the
            # last one)
            store = {str(k).encode(): str(v).encode() for k, v in store.items()}
            res = gr.acquire_cred_from(store, name=gname, mechs=mechs,
                                       usage=usage)
        else:
            res = gr.acquire_cred(gname, mechs=mechs, usage=usage)
        self.creds[slot] = res.creds
        info = gr.inquire_cred(res.creds)
        return {"name": display(info.name), "lifetime": info.lifetime,
                "usage": info.usage}

    # -- context establishment
    def op_init(self, ctx="default", target="host@localhost",
                target_type="hostbased", token=None, flags=None, cb=None,
                cred=None, lifetime=None, mech="signet", new=False):
        if new:
            self.contexts.pop(ctx, None)
        tname = gr.import_name(target.encode(), NAME_TYPES[target_type])
        if flags is None:
            flags = (gr.RequirementFlag.mutual_authentication
                     | gr.RequirementFlag.replay_detection
                     | gr.RequirementFlag.out_of_sequence_detection
                     | gr.RequirementFlag.confidentiality
                     | gr.RequirementFlag.integrity)
        res = gr.init_sec_context(
            tname, creds=self.creds.get(cred) if cred else None,
            context=self.contexts.get(ctx),
            mech=SIGNET_OID if mech == "signet" else SPNEGO_OID,
            flags=flags, lifetime=lifetime, channel_bindings=make_cb(cb),
            input_token=unhex(token))
        self.contexts[ctx] = res.context
        return {"token": hexb(res.token), "continue": bool(res.more_steps),
                "flags": int(res.flags), "lifetime": res.lifetime,
                "mech": res.mech.dotted_form if res.mech else None}

    def op_accept(self, ctx="default", token=None, cb=None, cred=None,
                  new=False):
        if new:
            self.contexts.pop(ctx, None)
        res = gr.accept_sec_context(
            unhex(token), acceptor_creds=self.creds.get(cred) if cred else None,
            context=self.contexts.get(ctx), channel_bindings=make_cb(cb))
        self.contexts[ctx] = res.context
        return {"token": hexb(res.token), "continue": bool(res.more_steps),
                "flags": int(res.flags), "lifetime": res.lifetime,
                "initiator": display(res.initiator_name),
                "mech": res.mech.dotted_form if res.mech else None}

    def op_process_token(self, token, ctx="default"):
        """gss_process_context_token (an out-of-band context token)."""
        gr.process_context_token(self.contexts[ctx], unhex(token))
        return {}

    def op_inquire(self, ctx="default"):
        return context_info(self.contexts[ctx])

    def op_delete(self, ctx="default"):
        context = self.contexts.pop(ctx, None)
        if context is not None:
            gr.delete_sec_context(context)
        return {}

    # -- per-message
    def op_get_mic(self, msg, ctx="default", qop=None):
        return {"mic": hexb(gr.get_mic(self.contexts[ctx], unhex(msg), qop))}

    def op_verify_mic(self, msg, mic, ctx="default"):
        qop = gr.verify_mic(self.contexts[ctx], unhex(msg), unhex(mic))
        return {"qop": int(qop)}

    def op_get_mic_iov(self, msg, ctx="default", qop=None, seq=None):
        """gss_get_mic_iov; seq: transport sequence number in MECH_PARAMS."""
        bufs = [(IOV.data, unhex(msg))]
        if seq is not None:
            bufs.append((IOV.mech_params, struct.pack(">Q", seq)))
        bufs.append((IOV.mic_token, True, None))
        iov = ext_dce.IOV(*bufs, std_layout=False)
        ext_iov_mic.get_mic_iov(self.contexts[ctx], iov, qop)
        return {"mic": hexb(iov[len(bufs) - 1].value)}

    def op_verify_mic_iov(self, msg, mic, ctx="default", seq=None):
        """gss_verify_mic_iov; seq: the number the transport expects."""
        bufs = [(IOV.data, unhex(msg))]
        if seq is not None:
            bufs.append((IOV.mech_params, struct.pack(">Q", seq)))
        bufs.append((IOV.mic_token, False, unhex(mic)))
        qop = ext_iov_mic.verify_mic_iov(self.contexts[ctx],
                                         ext_dce.IOV(*bufs, std_layout=False))
        return {"qop": int(qop)}

    def op_next_seq(self, seq, ctx="default"):
        """Signet's option: the sequence number of the next message."""
        oid = gssapi.OID(elements=SIGNET_NEXT_SEQ_OID)
        self.contexts[ctx] = gr.set_sec_context_option(
            oid, context=self.contexts[ctx], value=struct.pack(">Q", seq))
        return {}

    def op_wrap(self, msg, ctx="default", conf=True, qop=None):
        res = gr.wrap(self.contexts[ctx], unhex(msg), conf, qop)
        return {"token": hexb(res.message), "conf": bool(res.encrypted)}

    def op_unwrap(self, token, ctx="default"):
        res = gr.unwrap(self.contexts[ctx], unhex(token))
        return {"msg": hexb(res.message), "conf": bool(res.encrypted),
                "qop": int(res.qop)}

    # -- export / import / PRF
    def op_export(self, ctx="default"):
        token = gr.export_sec_context(self.contexts.pop(ctx))
        return {"token": hexb(token)}

    def op_import(self, token, ctx="default"):
        self.contexts[ctx] = gr.import_sec_context(unhex(token))
        return {}

    def op_prf(self, data, length, ctx="default", key=0):
        try:
            new, out = pseudo_random(self.contexts[ctx], key, unhex(data),
                                     length)
        except gr.GSSError as exc:
            if getattr(exc, "context", None) is not None:
                self.contexts[ctx] = exc.context
            raise
        self.contexts[ctx] = new
        return {"out": hexb(out)}

    # -- mechanism information
    def op_mechinfo(self):
        ans = {"mechs": sorted(m.dotted_form for m in gr.indicate_mechs())}
        sasl = gr.inquire_saslname_for_mech(SIGNET_OID)
        ans["sasl"] = {"sasl_mech_name": sasl.sasl_mech_name.decode(),
                       "mech_name": sasl.mech_name.decode(),
                       "mech_description": sasl.mech_description.decode()}
        attrs = gr.inquire_attrs_for_mech(SIGNET_OID)
        ans["attrs"] = sorted(a.dotted_form for a in attrs.mech_attrs)
        ans["known_attrs"] = sorted(a.dotted_form for a in
                                    attrs.known_mech_attrs)
        try:
            ans["mech_for_saslname"] = gr.inquire_mech_for_saslname(
                sasl.sasl_mech_name).dotted_form
        except gr.GSSError as exc:
            ans["mech_for_saslname"] = error_answer(exc)
        names = gr.inquire_names_for_mech(SIGNET_OID)
        ans["name_types"] = sorted(n.dotted_form for n in names)
        return ans

    def op_exit(self):
        return {"bye": True}


def rpc_main():
    rpc = Rpc()
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        ans = rpc.run(line)
        out.write(json.dumps(ans) + "\n")
        out.flush()
        if ans.get("bye"):
            break
    return 0


# ------------------------------------------------- gss-sample protocol mode

def send_token(sock, flags, data=b""):
    sock.sendall(struct.pack(">BI", flags, len(data)) + data)


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("peer closed the connection")
        buf += chunk
    return buf


def recv_token(sock):
    flags, length = struct.unpack(">BI", recv_exact(sock, 5))
    return flags, recv_exact(sock, length)


IOV = ext_dce.IOVBufferType


def mic_iov(context, msg):
    """A MIC made with gss_get_mic_iov over DATA + SIGN_ONLY pieces of msg
    (equal to the MIC of the whole message)."""
    cut = len(msg) // 2
    iov = ext_dce.IOV((IOV.data, msg[:cut]), (IOV.sign_only, msg[cut:]),
                      (IOV.mic_token, True, None), std_layout=False)
    ext_iov_mic.get_mic_iov(context, iov)
    return iov[2].value


def verify_iov(context, msg, mic):
    """Checks mic with gss_verify_mic_iov over two DATA pieces of msg."""
    cut = len(msg) // 3
    iov = ext_dce.IOV((IOV.data, msg[:cut]), (IOV.data, msg[cut:]),
                      (IOV.mic_token, False, mic), std_layout=False)
    return ext_iov_mic.verify_mic_iov(context, iov)


def report(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def client_main(args):
    rep = {"role": "initiator", "ok": False}
    sock = socket.create_connection((args.host, args.port), timeout=30)
    try:
        tname = gr.import_name(args.target.encode(), NAME_TYPES["hostbased"])
        flags = args.flags
        mech = SPNEGO_OID if args.spnego else SIGNET_OID
        send_token(sock, TOKEN_NOOP | TOKEN_CONTEXT_NEXT)
        context, token, legs = None, None, []
        while True:
            try:
                res = gr.init_sec_context(tname, context=context, mech=mech,
                                          flags=flags, input_token=token,
                                          channel_bindings=make_cb(args.cb))
            except gr.GSSError as exc:
                err = error_answer(exc)
                if err.get("token"):
                    send_token(sock, TOKEN_CONTEXT, unhex(err["token"]))
                rep.update(stage="init", error=err, legs=legs)
                return rep
            context = res.context
            if res.token:
                legs.append(len(res.token))
                send_token(sock, TOKEN_CONTEXT, res.token)
            if not res.more_steps:
                break
            _, token = recv_token(sock)
            legs.append(len(token))
        rep["legs"] = legs
        rep["context"] = context_info(context)
        if args.prf:
            context, out = pseudo_random(context, 0, b"signet-test-prf", 32)
            rep["prf"] = out.hex()
        msg = args.msg.encode()
        rep["messages"] = []
        for _ in range(args.count):
            wrapped = gr.wrap(context, msg, True)
            send_token(sock, TOKEN_DATA | TOKEN_WRAPPED | TOKEN_ENCRYPTED |
                       TOKEN_SEND_MIC, wrapped.message)
            _, mic = recv_token(sock)
            if args.iov:
                verify_iov(context, msg, mic)
            else:
                gr.verify_mic(context, msg, mic)
            rep["messages"].append({"encrypted": bool(wrapped.encrypted),
                                    "verified": True})
        if args.ext:
            mic = gr.get_mic(context, msg)
            send_token(sock, TOKEN_DATA | TOKEN_MIC,
                       struct.pack(">I", len(msg)) + msg + mic)
            _, wrapped = recv_token(sock)
            res = gr.unwrap(context, wrapped)
            rep["ext_reply"] = res.message.decode()
            rep["ext_reply_encrypted"] = bool(res.encrypted)
        send_token(sock, TOKEN_NOOP)
        gr.delete_sec_context(context)
        rep["ok"] = True
        return rep
    except gr.GSSError as exc:
        rep.update(stage="message", error=error_answer(exc))
        return rep
    finally:
        sock.close()


def serve_one(conn, args):
    rep = {"role": "acceptor", "ok": False}
    flags, _ = recv_token(conn)
    if not flags & TOKEN_CONTEXT_NEXT:
        rep["error"] = {"text": "client did not ask for a context"}
        return rep
    context, legs = None, []
    while True:
        _, token = recv_token(conn)
        legs.append(len(token))
        try:
            res = gr.accept_sec_context(token, context=context,
                                        channel_bindings=make_cb(args.cb))
        except gr.GSSError as exc:
            err = error_answer(exc)
            if err.get("token"):
                send_token(conn, TOKEN_CONTEXT, unhex(err["token"]))
            rep.update(stage="accept", error=err, legs=legs)
            return rep
        context = res.context
        if res.token:
            legs.append(len(res.token))
            send_token(conn, TOKEN_CONTEXT, res.token)
        if not res.more_steps:
            break
    rep["legs"] = legs
    rep["initiator"] = display(res.initiator_name)
    rep["context"] = context_info(context)
    if args.prf:
        context, out = pseudo_random(context, 0, b"signet-test-prf", 32)
        rep["prf"] = out.hex()
    rep["messages"] = []
    try:
        while True:
            flags, data = recv_token(conn)
            if flags & TOKEN_NOOP:
                break
            if flags & TOKEN_WRAPPED:
                res = gr.unwrap(context, data)
                msg = res.message
                rep["messages"].append({"text": msg.decode("utf-8", "replace"),
                                        "encrypted": bool(res.encrypted)})
                if flags & TOKEN_SEND_MIC:
                    send_token(conn, TOKEN_MIC, mic_iov(context, msg) if args.iov
                               else gr.get_mic(context, msg))
                else:
                    send_token(conn, TOKEN_NOOP)
            elif flags & TOKEN_MIC:
                # extension: initiator's MIC over a message; answer wrapped
                (n,) = struct.unpack(">I", data[:4])
                msg, mic = data[4:4 + n], data[4 + n:]
                gr.verify_mic(context, msg, mic)
                rep["ext_verified"] = msg.decode("utf-8", "replace")
                reply = b"verified:" + msg
                send_token(conn, TOKEN_WRAPPED,
                           gr.wrap(context, reply, True).message)
            else:
                send_token(conn, TOKEN_NOOP)
    except gr.GSSError as exc:
        rep.update(stage="message", error=error_answer(exc))
        return rep
    gr.delete_sec_context(context)
    rep["ok"] = True
    return rep


def server_main(args):
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", args.port))
    lsock.listen(1)
    lsock.settimeout(60)
    print("listening %d" % lsock.getsockname()[1], flush=True)
    conn, _ = lsock.accept()
    conn.settimeout(60)
    try:
        return serve_one(conn, args)
    finally:
        conn.close()
        lsock.close()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="mode", required=True)
    sub.add_parser("rpc")
    c = sub.add_parser("client")
    c.add_argument("--host", default="127.0.0.1")
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--target", default="host@localhost")
    c.add_argument("--flags", type=lambda s: int(s, 0), default=0x3e)
    c.add_argument("--msg", default="hello from python")
    c.add_argument("--count", type=int, default=1)
    c.add_argument("--cb", default=None)
    c.add_argument("--spnego", action="store_true")
    c.add_argument("--ext", action="store_true")
    c.add_argument("--prf", action="store_true")
    c.add_argument("--iov", action="store_true",
                   help="verify the server's MICs with gss_verify_mic_iov")
    s = sub.add_parser("server")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--cb", default=None)
    s.add_argument("--prf", action="store_true")
    s.add_argument("--iov", action="store_true",
                   help="make MICs with gss_get_mic_iov")
    args = ap.parse_args()
    if args.mode == "rpc":
        return rpc_main()
    rep = client_main(args) if args.mode == "client" else server_main(args)
    report(rep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
