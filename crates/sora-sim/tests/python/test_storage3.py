"""Supabase's official Python client `storage3` against the simulator: list buckets, create one,
upload, overwrite (refused without upsert), list, sign, download, delete, and what the anon role
sees (no bucket, writes refused). Run by tests/storage3_sdk.rs; exits non-zero on any
mismatch."""

import os
import sys
import urllib.request

from storage3 import SyncStorageClient
from storage3.exceptions import StorageApiError

base = os.environ["SIM_BASE_URL"].rstrip("/") + "/storage/v1"
key = os.environ["SIM_SUPABASE_KEY"]
anon_key = os.environ["SIM_SUPABASE_ANON_KEY"]
client = SyncStorageClient(base, {"apikey": key, "Authorization": f"Bearer {key}"})
anon = SyncStorageClient(base, {"apikey": anon_key, "Authorization": f"Bearer {anon_key}"})


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {what}")


names = [b.name for b in client.list_buckets()]
check("output-videos" in names, f"list_buckets sees the configured buckets {names}")

client.create_bucket("sdk-bucket", options={"public": False})
check(
    any(b.name == "sdk-bucket" and not b.public for b in client.list_buckets()),
    "create_bucket made a private bucket",
)

bucket = client.from_("sdk-bucket")
data = bytes(range(256)) * 40
bucket.upload("folder/clip.mp4", data, {"content-type": "video/mp4"})
listing = bucket.list("folder")
check([e["name"] for e in listing] == ["clip.mp4"], f"list shows the upload {listing}")
check(listing[0]["metadata"]["size"] == len(data), "list metadata has the size")
root = bucket.list()
check(
    any(e["name"] == "folder" and e["id"] is None for e in root),
    f"folders list with a null id {root}",
)

signed = bucket.create_signed_url("folder/clip.mp4", 60)
url = signed.get("signedURL") or signed.get("signedUrl")
check(url and "token=" in url, f"create_signed_url gave {url}")
with urllib.request.urlopen(url) as response:
    check(response.read() == data, "the signed URL serves the bytes")

check(bucket.download("folder/clip.mp4") == data, "download returns the bytes")

# An overwrite (storage3 sends it as one standard upload, never through TUS): refused without
# upsert, done with it.
newer = bytes(reversed(data))
try:
    bucket.upload("folder/clip.mp4", newer, {"content-type": "video/mp4"})
    check(False, "an upload onto an existing object without upsert raises")
except StorageApiError as error:
    check(str(error.status) == "409", f"the refusal is a 409: {error.to_dict()}")
bucket.upload("folder/clip.mp4", newer, {"content-type": "video/mp4", "upsert": "true"})
check(bucket.download("folder/clip.mp4") == newer, "upsert overwrote the object")

# The anon role without policies: an empty project, and every write refused.
check(anon.list_buckets() == [], "the anon key lists no bucket")
try:
    anon.from_("sdk-bucket").upload("folder/anon.mp4", data, {"content-type": "video/mp4"})
    check(False, "an anon upload raises")
except StorageApiError as error:
    check(str(error.status) == "403", f"the anon upload is refused with 403: {error.to_dict()}")
check(anon.from_("sdk-bucket").list("folder") == [], "the anon key lists no object")

removed = bucket.remove(["folder/clip.mp4"])
check(len(removed) == 1, f"remove deleted one object {removed}")
check(bucket.list("folder") == [], "the folder is empty after remove")

client.delete_bucket("sdk-bucket")
check(
    all(b.name != "sdk-bucket" for b in client.list_buckets()),
    "delete_bucket removed the bucket",
)
try:
    client.get_bucket("sdk-bucket")
    check(False, "get_bucket of a deleted bucket raises")
except Exception as error:  # storage3 raises StorageApiError with the server's fields
    check("not found" in str(error).lower(), f"get_bucket error says not found: {error}")
print("storage3 OK")
