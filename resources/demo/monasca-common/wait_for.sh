#!/bin/sh
# Waits until HOST:PORT accepts TCP connections.
# Usage: /wait_for.sh HOST:PORT [RETRIES] [DELAY]

ADDRESS="$1"
RETRIES="${2:-${WAIT_RETRIES:-24}}"
DELAY="${3:-${WAIT_DELAY:-5}}"

if [ -z "$ADDRESS" ]; then
    echo "Usage: $0 HOST:PORT [RETRIES] [DELAY]" >&2
    exit 2
fi

HOST="${ADDRESS%:*}"
PORT="${ADDRESS##*:}"

attempt=1
while [ "$attempt" -le "$RETRIES" ]; do
    if nc -z -w 2 "$HOST" "$PORT" 2>/dev/null; then
        echo "$ADDRESS is available"
        exit 0
    fi
    echo "Waiting for $ADDRESS ($attempt/$RETRIES)"
    attempt=$((attempt + 1))
    sleep "$DELAY"
done

echo "$ADDRESS is not available after $RETRIES attempts" >&2
exit 1
