#!/usr/bin/python3
"""A scripted SMTP peer for the probe's error paths, on a loopback address only.

    fake_smtp.py MODE ADDRESS PORTFILE

Listens on ADDRESS (127.0.0.1 or ::1), port chosen by the OS and written to PORTFILE, and serves
every connection according to MODE until killed:
  ssh          greets like an SSH server (not SMTP)
  silent       accepts and says nothing (a timeout)
  banner554    refuses the session: 554
  no-starttls  a good SMTP server that does not advertise STARTTLS
  454          advertises STARTTLS and answers it with 454
  reset        accepts STARTTLS, reads the ClientHello, then resets the connection (RST)
  close        accepts STARTTLS, then closes the connection cleanly
"""
import socket
import struct
import sys
import threading
import time


def line(conn):
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1)
        if not chunk:
            return None
        data += chunk
    return data.decode("ascii", "replace").strip()


def recv_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def serve(conn, mode):
    try:
        if mode == "ssh":
            conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
            time.sleep(5)
            return
        if mode == "silent":
            time.sleep(60)
            return
        if mode == "banner554":
            conn.sendall(b"554 5.7.1 fake.test no SMTP service here\r\n")
            line(conn)
            return
        conn.sendall(b"220 fake.test ESMTP\r\n")
        while True:
            cmd = line(conn)
            if cmd is None:
                return
            verb = cmd.split(" ")[0].upper()
            if verb == "EHLO":
                ext = [] if mode == "no-starttls" else ["STARTTLS"]
                lines = ["fake.test"] + ext + ["PIPELINING", "8BITMIME"]
                reply = "".join(
                    "250%s%s\r\n" % (" " if i == len(lines) - 1 else "-", l)
                    for i, l in enumerate(lines))
                conn.sendall(reply.encode())
            elif verb == "STARTTLS":
                if mode == "454":
                    conn.sendall(b"454 4.7.0 TLS not available due to local problem\r\n")
                    continue
                conn.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                # The whole ClientHello record: closing with unread data would reset, not close.
                header = recv_exactly(conn, 5)
                if len(header) == 5:
                    recv_exactly(conn, struct.unpack(">H", header[3:5])[0])
                if mode == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                else:
                    conn.shutdown(socket.SHUT_WR)
                    time.sleep(1)
                return
            elif verb == "QUIT":
                conn.sendall(b"221 2.0.0 Bye\r\n")
                return
            else:
                conn.sendall(b"502 5.5.2 Error: command not recognized\r\n")
    except OSError:
        pass
    finally:
        conn.close()


def main():
    mode, address, portfile = sys.argv[1:4]
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    server = socket.socket(family, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((address, 0))
    server.listen(16)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(server.getsockname()[1]))
    import os
    os.rename(portfile + ".tmp", portfile)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
