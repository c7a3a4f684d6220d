# On the control-plane host, 10.0.0.1 (off loopback, --auth sigv4 is forced; it is written out here):
export BERTH_SECRET_ACCESS_KEY=SK      # the secret only ever in the environment (or <data-dir>/credentials)
npx berth server --host 10.0.0.1 --auth sigv4 --access-key-id AK &          # control plane + a load-balancer node
# On each agent host, here 10.0.0.2 (signs the agent protocol with the same key):
export BERTH_SECRET_ACCESS_KEY=SK
npx berth agent --server http://10.0.0.1:4566 --advertise-ip 10.0.0.2 --state-dir /var/lib/berth-agent --access-key-id AK &
