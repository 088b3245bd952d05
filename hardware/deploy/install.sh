#!/bin/sh
# Installs the GridEdge gateway on a Raspberry Pi.
# usage: sudo ./install.sh PUBLISH_DIR [APPSETTINGS_JSON]
#   PUBLISH_DIR       output of: dotnet publish edge -c Release -r linux-arm64 --self-contained -o PUBLISH_DIR
#   APPSETTINGS_JSON  configuration to install as /etc/gridedge/appsettings.json (an existing one is kept)
set -eu

publish_dir=${1:?usage: sudo $0 PUBLISH_DIR [APPSETTINGS_JSON]}
settings=${2:-}
here=$(cd "$(dirname "$0")" && pwd)

[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo)" >&2; exit 1; }
[ -x "$publish_dir/GridEdge.Edge" ] || { echo "install.sh: $publish_dir/GridEdge.Edge not found or not executable" >&2; exit 1; }

# The service user: no login, no home; serial (dialout), GPIO and I2C access through groups.
for group in dialout gpio i2c; do
    getent group "$group" >/dev/null || groupadd --system "$group"
done
if ! id gridedge >/dev/null 2>&1; then
    useradd --system --no-create-home --home-dir /var/lib/gridedge --shell /usr/sbin/nologin gridedge
fi
usermod -a -G dialout,gpio,i2c gridedge

# Binaries: replaced as a whole, so a failed copy never leaves a mix of two versions.
install -d -m 0755 /opt/gridedge
rm -rf /opt/gridedge/edge.new
cp -a "$publish_dir" /opt/gridedge/edge.new
chown -R root:root /opt/gridedge/edge.new
chmod 0755 /opt/gridedge/edge.new/GridEdge.Edge
[ -f "$here/../README.md" ] && cp "$here/../README.md" /opt/gridedge/edge.new/README.md
# The host reads appsettings.json next to its executable: point that at the configuration in /etc.
ln -sf /etc/gridedge/appsettings.json /opt/gridedge/edge.new/appsettings.json
rm -rf /opt/gridedge/edge.old
[ -d /opt/gridedge/edge ] && mv /opt/gridedge/edge /opt/gridedge/edge.old
mv /opt/gridedge/edge.new /opt/gridedge/edge

# Configuration (root-owned, readable by the service) and the environment file for secrets.
install -d -m 0755 /etc/gridedge
if [ -n "$settings" ] && [ ! -f /etc/gridedge/appsettings.json ]; then
    install -m 0640 -o root -g gridedge "$settings" /etc/gridedge/appsettings.json
elif [ -n "$settings" ]; then
    echo "install.sh: keeping the existing /etc/gridedge/appsettings.json (new one not installed)"
fi
if [ ! -f /etc/gridedge/edge.env ]; then
    install -m 0640 -o root -g gridedge /dev/null /etc/gridedge/edge.env
    echo "# Edge__Broker__Password=..." > /etc/gridedge/edge.env
fi

# Data: outbox, sequence reservation, MQ-2 baseline, file logs.
install -d -m 0750 -o gridedge -g gridedge /var/lib/gridedge /var/lib/gridedge/logs

# Keep the journal across reboots so a crash before the last power cut can be read.
install -d -m 2755 -g systemd-journal /var/log/journal 2>/dev/null || true

install -m 0644 "$here/gridedge-edge.service" /etc/systemd/system/gridedge-edge.service
systemctl daemon-reload
systemctl enable gridedge-edge.service
systemctl restart gridedge-edge.service
echo "install.sh: installed; follow the log with: journalctl -u gridedge-edge -f"
