#!/bin/sh
# Generates the TLS material of the MQTT integration tests in DIR: a CA (ca.crt), a server
# certificate for 127.0.0.1 and localhost signed by it (server.crt/.key), and an unrelated CA
# (wrong_ca.crt) the server does not chain to. Throw-away keys, valid for one day.
set -eu
dir=$1
cd "$dir"
q() { "$@" >/dev/null 2>&1; }
q openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=tbgw test CA" \
  -keyout ca.key -out ca.crt
q openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=tbgw wrong CA" \
  -keyout wrong_ca.key -out wrong_ca.crt
q openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' > ext.cnf
q openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
  -extfile ext.cnf -out server.crt
chmod 644 server.key
# A server certificate valid only for a name we never connect to (host name check test).
q openssl req -newkey rsa:2048 -nodes -subj "/CN=wrong.invalid" -keyout wrong_host.key \
  -out wrong_host.csr
printf 'subjectAltName=DNS:wrong.invalid\nbasicConstraints=CA:FALSE\n' > ext2.cnf
q openssl x509 -req -in wrong_host.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 1 \
  -extfile ext2.cnf -out wrong_host.crt
chmod 644 wrong_host.key
