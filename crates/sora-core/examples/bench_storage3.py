"""One upload of FILE with Supabase's Python client `storage3` to BASE (bench_transfer's local
server, which discards the body): `bucket.upload("bench.mp4", path, upsert)`, which streams the
file as one multipart POST. Prints SECS= the upload's own time, without the interpreter's start
and the imports (which would cost storage3 ~0.3 s more)."""

import sys
import time

from storage3 import SyncStorageClient

path, base = sys.argv[1], sys.argv[2]
key = "bench-key"
client = SyncStorageClient(
    base.rstrip("/") + "/storage/v1", {"apikey": key, "Authorization": f"Bearer {key}"}
)
bucket = client.from_("b")
started = time.perf_counter()
bucket.upload("bench.mp4", path, {"content-type": "video/mp4", "upsert": "true"})
print(f"SECS={time.perf_counter() - started:.6f}")
