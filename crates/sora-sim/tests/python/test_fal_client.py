"""The simulator's fal queue, driven by the official `fal-client` (pinned 1.0.3) over the
simulator's TLS listener.

fal-client forces https and reads FAL_KEY and FAL_QUEUE_RUN_HOST when it is imported; httpx
trusts the simulator's self-signed certificate through SSL_CERT_FILE. tests/it/fal_client_sdk.rs
starts the simulator with TLS and passes those three, plus

  SIM_ASSET_MP4   path of the MP4 the simulator serves (assets/sample.mp4)

Run it with .venv-test/bin/python (scripts/setup-python.sh makes it). Exits non-zero on failure.
"""

import os
import sys
import time

import fal_client
import httpx

with open(os.environ["SIM_ASSET_MP4"], "rb") as f:
    MP4 = f.read()


def check(condition: bool, what: str) -> None:
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


# submit, then status (with logs) until Completed, then the result.
handle = fal_client.submit(
    "fal-ai/veo3.1", arguments={"prompt": "a red fox", "duration": "4s", "aspect_ratio": "16:9"}
)
check(handle.request_id, "a request id")
seen = []
deadline = time.time() + 30
while time.time() < deadline:
    status = handle.status(with_logs=True)
    kind = type(status).__name__
    if not seen or seen[-1] != kind:
        seen.append(kind)
    if isinstance(status, fal_client.InProgress):
        check(isinstance(status.logs, list), f"logs with with_logs: {status.logs}")
    if isinstance(status, fal_client.Completed):
        check(status.error is None, f"no error: {status}")
        break
    time.sleep(0.05)
check(seen[0] == "Queued" and "InProgress" in seen and seen[-1] == "Completed", f"seen: {seen}")
result = handle.get()
video = result["video"]
check(video["content_type"] == "video/mp4" and video["file_size"] == len(MP4), f"video: {video}")
# The media origin is plain http and needs no key.
check(httpx.get(video["url"], timeout=10).content == MP4, "the video URL serves the video")
print("submit/status/result: ok", seen)

# A model id with a sub-path: status and result by id use only owner/app.
i2v = fal_client.submit(
    "fal-ai/veo3.1/image-to-video",
    arguments={"prompt": "the fox runs", "image_url": "https://example.com/fox.png"},
)
status = fal_client.status("fal-ai/veo3.1/image-to-video", i2v.request_id)
check(isinstance(status, (fal_client.Queued, fal_client.InProgress)), f"status by id: {status}")
check("video" in fal_client.result("fal-ai/veo3.1/image-to-video", i2v.request_id), "result by id")
print("sub-path: ok")

# An invalid input is refused by the result call with 422 and detail entries.
bad = fal_client.submit("fal-ai/veo3.1", arguments={"prompt": "x", "duration": "5s"})
try:
    bad.get()
    check(False, "an invalid duration must fail")
except fal_client.client.FalClientHTTPError as e:
    check(e.status_code == 422, f"422: {e.status_code}")
    check(e.message[0]["loc"] == ["body", "duration"], f"detail: {e.message}")
print("validation error: ok")

# cancel while queued; then it is already completed.
queued = fal_client.submit("fal-ai/veo3.1", arguments={"prompt": "slow"})
fal_client.cancel("fal-ai/veo3.1", queued.request_id)
final = fal_client.status("fal-ai/veo3.1", queued.request_id)
check(isinstance(final, fal_client.Completed) and final.error, f"cancelled: {final}")
try:
    handle.cancel()
    check(False, "cancelling a completed request must fail")
except fal_client.client.FalClientHTTPError as e:
    check(e.status_code == 400, f"400 ALREADY_COMPLETED: {e.status_code}")
print("cancel: ok")
print("fal client: all ok")
