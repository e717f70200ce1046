#!/bin/bash
# Starts one node of the compose cluster secured as docs/security.md describes: SASL_SSL
# (SCRAM-SHA-512) for clients, mutual-TLS CONTROLLER and INTERNAL listeners (the node's own
# certificate, CN=<host>, a super user), the StandardAuthorizer, no access without an ACL.
# Secrets come from /secrets (written by `hub broker secrets`, owned by the hub's user): run as
# root, this copies the node's own certificate to a 0600 file of the Kafka user, creates the
# SCRAM users when the storage is first formatted (through a 0600 java argument file, never a
# command line), then runs the broker as the unprivileged `appuser`.
set -euo pipefail
umask 077
: "${NODE_ID:?}" "${HOST:?}" "${CLUSTER_ID:?}" "${VOTERS:?}" "${EXTERNAL_PORT:?}"
CONF=/var/lib/kafka/server.properties
DATA=/var/lib/kafka/data
TLS=/var/lib/kafka/tls
mkdir -p "$DATA" "$TLS"
cp "/secrets/tls/${HOST}.pem" "$TLS/node.pem"
cp /secrets/tls/ca.pem "$TLS/ca.pem"
cat > "$CONF" <<PROPS
process.roles=broker,controller
node.id=${NODE_ID}
controller.quorum.voters=${VOTERS}
listeners=SASL_SSL://:9092,CONTROLLER://:9093,INTERNAL://:9095,EXTERNAL://:9094
advertised.listeners=SASL_SSL://${HOST}:9092,INTERNAL://${HOST}:9095,EXTERNAL://localhost:${EXTERNAL_PORT}
listener.security.protocol.map=SASL_SSL:SASL_SSL,EXTERNAL:SASL_SSL,CONTROLLER:SSL,INTERNAL:SSL
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PEM
ssl.keystore.location=${TLS}/node.pem
ssl.truststore.type=PEM
ssl.truststore.location=${TLS}/ca.pem
listener.name.controller.ssl.client.auth=required
listener.name.internal.ssl.client.auth=required
ssl.principal.mapping.rules=RULE:^CN=([^,]+),.*\$/\$1/,DEFAULT
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:kafka1;User:kafka2;User:kafka3
log.dirs=${DATA}
auto.create.topics.enable=false
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
group.initial.rebalance.delay.ms=3000
PROPS
if [ ! -f "$DATA/meta.properties" ]; then
  ARGS=$(mktemp)
  { echo "-cp"; echo "/opt/kafka/libs/*"; echo "kafka.tools.StorageTool"; echo "format"
    echo "-t"; echo "$CLUSTER_ID"; echo "-c"; echo "$CONF"
    for f in /secrets/passwords/*; do
      echo "--add-scram"; echo "SCRAM-SHA-512=[name=$(basename "$f"),password=$(cat "$f")]"
    done; } > "$ARGS"
  java "@$ARGS"
  rm -f "$ARGS"
fi
chown -R appuser /var/lib/kafka
exec su appuser -s /bin/bash -c "umask 077; exec /opt/kafka/bin/kafka-server-start.sh $CONF"
