#!/usr/bin/python3
"""gss_peer.py - a python3-gssapi peer for the SSPI tests.

Speaks the gss-sample protocol (one flag byte, 4-byte big-endian length,
token) over TCP, like MIT's gss-client/gss-server, so that it talks to
tests/compat/sspi_peer.  After the context:

  sample  the client sends TOKEN_DATA|TOKEN_SEND_MIC messages in clear and
          checks the server's gss_get_mic token (gss-server's behaviour);
  ext     frames [u32 seq][u32 len][message][MIC] both ways: each side
          checks the other's MIC.  Datagram contexts (--datagram) put seq
          into an 8-byte MECH_PARAMS IOV buffer (SSPI's MessageSeqNo).

  gss_peer.py client --port P --mech signet|krb5|spnego|ntlm [--target T]
              [--flags 0xHEX] [--count N] [--proto sample|ext] [--datagram]
              [--seq-start N] [--iov]
  gss_peer.py server --mech M [--port 0] [--datagram]
The server prints "listening <port>"; both print a JSON report last.
"""

import argparse
import json
import os
import socket
import struct
import sys

import gssapi
import gssapi.raw as gr
from gssapi.raw import ext_dce, ext_iov_mic

# The gss-sample token framing (1 flag byte, 4-byte length) is tests/peer.py's.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from peer import recv_token as recv, send_token as send  # noqa: E402

MECHS = {
    "signet": gssapi.OID.from_int_seq("2.25.3215548014888410103"),
    "krb5": gssapi.OID.from_int_seq("1.2.840.113554.1.2.2"),
    "spnego": gssapi.OID.from_int_seq("1.3.6.1.5.5.2"),
    "ntlm": gssapi.OID.from_int_seq("1.3.6.1.4.1.311.2.2.10"),
}
IOV = ext_dce.IOVBufferType
TOKEN_NOOP, TOKEN_CONTEXT, TOKEN_DATA, TOKEN_MIC = 1, 2, 4, 8
TOKEN_CONTEXT_NEXT, TOKEN_SEND_MIC = 16, 128
DATAGRAM = 0x10000


def error(exc, stage):
    ans = {"ok": False, "stage": stage, "exception": type(exc).__name__,
           "text": str(exc)}
    if isinstance(exc, gr.GSSError):
        ans["major"] = exc.maj_code
        ans["routine"] = exc.maj_code & 0x00FF0000
        ans["supplementary"] = exc.maj_code & 0xFFFF
    return ans


def sign(ctx, msg, seq, datagram, iov):
    if datagram or iov:
        bufs = [(IOV.data, msg)]
        if datagram:
            bufs.append((IOV.mech_params, struct.pack(">Q", seq)))
        bufs.append((IOV.mic_token, True, None))
        v = ext_dce.IOV(*bufs, std_layout=False)
        ext_iov_mic.get_mic_iov(ctx, v)
        return bytes(v[len(bufs) - 1].value)
    return gr.get_mic(ctx, msg)


def verify(ctx, msg, mic, seq, datagram, iov):
    if datagram or iov:
        bufs = [(IOV.data, msg)]
        if datagram:
            bufs.append((IOV.mech_params, struct.pack(">Q", seq)))
        bufs.append((IOV.mic_token, False, mic))
        return int(ext_iov_mic.verify_mic_iov(ctx, ext_dce.IOV(*bufs, std_layout=False)))
    return int(gr.verify_mic(ctx, msg, mic))


def names(ctx, acceptor=False):
    # gss-ntlmssp 1.2 crashes when an acceptor without a name of its own is
    # asked for the target name
    res = gr.inquire_context(ctx, target_name=not acceptor)

    def show(n):
        return None if n is None else gr.display_name(n).name.decode().rstrip("\0")
    return {"initiator": show(res.initiator_name), "target": show(res.target_name),
            "flags": int(res.flags), "mech": res.mech.dotted_form}


def client(args):
    rep = {"role": "initiator", "ok": False, "messages": []}
    sock = socket.create_connection(("127.0.0.1", args.port), timeout=30)
    try:
        return _client(args, rep, sock)
    except (EOFError, OSError) as exc:
        rep.update(stage="transport", text=str(exc))
        return rep
    finally:
        sock.close()


def _client(args, rep, sock):
    if True:
        # with the terminating NUL, as MIT's gss-client passes names:
        # gss-ntlmssp 1.2 reads them as C strings
        target = gr.import_name(args.target.encode() + b"\0",
                                gssapi.NameType.hostbased_service)
        flags = args.flags | (DATAGRAM if args.datagram else 0)
        send(sock, TOKEN_NOOP | TOKEN_CONTEXT_NEXT)
        ctx, token = None, None
        while True:
            try:
                res = gr.init_sec_context(target, context=ctx, mech=MECHS[args.mech],
                                          flags=flags, input_token=token)
            except gr.GSSError as exc:
                rep.update(error(exc, "init"))
                return rep
            ctx = res.context
            if res.token:
                send(sock, TOKEN_CONTEXT, res.token)
            if not res.more_steps:
                break
            _, token = recv(sock)
        rep["context"] = names(ctx)
        for i in range(args.count):
            seq = args.seq_start + i
            msg = ("python message #%d" % i).encode()
            try:
                if args.proto == "sample":
                    send(sock, TOKEN_DATA | TOKEN_SEND_MIC, msg)
                    _, mic = recv(sock)
                    qop = verify(ctx, msg, mic, seq, args.datagram, args.iov)
                    rep["messages"].append({"qop": qop, "mic_len": len(mic)})
                    continue
                mic = sign(ctx, msg, seq, args.datagram, args.iov)
                send(sock, TOKEN_DATA | TOKEN_MIC,
                     struct.pack(">II", seq, len(msg)) + msg + mic)
                _, frame = recv(sock)
                rseq, n = struct.unpack(">II", frame[:8])
                reply, rmic = frame[8:8 + n], frame[8 + n:]
                qop = verify(ctx, reply, rmic, rseq, args.datagram, args.iov)
                rep["messages"].append({"reply": reply.decode(), "qop": qop,
                                        "mic_len": len(rmic), "seq": rseq})
            except gr.GSSError as exc:
                rep.update(error(exc, "message %d" % i))
                return rep
        send(sock, TOKEN_NOOP)
        rep["ok"] = True
        return rep


def server(args):
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", args.port))
    lsock.listen(1)
    lsock.settimeout(60)
    print("listening %d" % lsock.getsockname()[1], flush=True)
    conn, _ = lsock.accept()
    conn.settimeout(60)
    lsock.close()
    rep = {"role": "acceptor", "ok": False, "messages": []}
    try:
        flags, _ = recv(conn)
        ctx = None
        while True:
            _, token = recv(conn)
            try:
                res = gr.accept_sec_context(token, context=ctx)
            except gr.GSSError as exc:
                rep.update(error(exc, "accept"))
                return rep
            ctx = res.context
            if res.token:
                send(conn, TOKEN_CONTEXT, res.token)
            if not res.more_steps:
                break
        rep["context"] = names(ctx, acceptor=True)
        datagram = bool(rep["context"]["flags"] & DATAGRAM)
        while True:
            flags, data = recv(conn)
            if flags & TOKEN_NOOP:
                break
            try:
                if flags & TOKEN_MIC:
                    seq, n = struct.unpack(">II", data[:8])
                    msg, mic = data[8:8 + n], data[8 + n:]
                    qop = verify(ctx, msg, mic, seq, datagram, args.iov)
                    reply = b"verified:" + msg
                    rmic = sign(ctx, reply, seq, datagram, args.iov)
                    send(conn, TOKEN_MIC, struct.pack(">II", seq, len(reply)) + reply + rmic)
                    rep["messages"].append({"msg": msg.decode(), "qop": qop,
                                            "mic_len": len(mic), "seq": seq})
                elif flags & TOKEN_SEND_MIC:
                    send(conn, TOKEN_MIC, gr.get_mic(ctx, data))
                    rep["messages"].append({"msg": data.decode()})
                else:
                    send(conn, TOKEN_NOOP)
            except gr.GSSError as exc:
                rep.update(error(exc, "message"))
                return rep
        rep["ok"] = True
        return rep
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["client", "server"])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--mech", default="signet", choices=sorted(MECHS))
    ap.add_argument("--target", default="host@localhost")
    ap.add_argument("--flags", type=lambda s: int(s, 0), default=0x3e)
    ap.add_argument("--count", type=int, default=2)
    ap.add_argument("--proto", default="ext", choices=["sample", "ext"])
    ap.add_argument("--datagram", action="store_true")
    ap.add_argument("--iov", action="store_true")
    ap.add_argument("--seq-start", type=int, default=0)
    args = ap.parse_args()
    rep = client(args) if args.mode == "client" else server(args)
    sys.stdout.write(json.dumps(rep) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
