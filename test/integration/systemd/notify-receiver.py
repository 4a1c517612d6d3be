# A fake systemd notify socket: an AF_UNIX datagram receiver that prints each message on one line
# (newlines inside a message become "|"). File descriptors passed with BARRIER=1 are not accepted,
# so the kernel closes them and systemd-notify's barrier wait completes, as with the real manager.
import socket, sys, os
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
print("listening", flush=True)
while True:
    data = s.recv(65536)
    print(data.decode("utf-8", "replace").strip().replace("\n", "|"), flush=True)
