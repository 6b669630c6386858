#!/bin/sh
# A simulated house for the docker compose `demo` profile: provisions two
# heaters and a thermometer in the hub's database with the admin CLI (which
# may run while the hub does; the hub picks new devices up within seconds),
# then runs them against the hub over MQTT. Re-runs re-key the same devices,
# so their history is kept.
#
#   HEARTH_DATA_DIR  the hub's data dir (the shared volume)
#   HUB_MQTT_URL     where the hub's broker is, e.g. mqtt://hearth:1883
set -eu
: "${HUB_MQTT_URL:?set HUB_MQTT_URL, e.g. mqtt://hearth:1883}"
creds_dir=$(mktemp -d)
trap 'rm -rf "$creds_dir"; kill 0' INT TERM EXIT

provision() { # id kind name room
  file="$creds_dir/$1.json"
  node --import tsx server/cli.ts device add "$3" --id "$1" --room "$4" --json --out "$file" >/dev/null 2>&1 ||
    node --import tsx server/cli.ts device rotate "$1" --json --out "$file" >/dev/null
  node --import tsx devices/cli.ts "$2" --credentials "$file" --url "$HUB_MQTT_URL" --interval 5000 --speed 30 &
}

provision house-living-heater heater "Living room heater" "Living room"
provision house-bedroom-heater heater "Bedroom heater" "Bedroom"
provision house-garden-thermo thermometer "Garden thermometer" "Garden"
wait
