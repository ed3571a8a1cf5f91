"""The simulator's Runway API, driven by the official `runwayml` Python SDK (pinned 5.24.0).

Proves the simulator speaks Runway's wire format as the SDK sees it: text-to-video and
image-to-video create (camelCase bodies, `X-Runway-Version`), `tasks.retrieve` polling through
PENDING/RUNNING to SUCCEEDED, `wait_for_task_output`, delete (then 404), the organization, and
error cases (400 with `issues`, 401). The SDK reads RUNWAYML_BASE_URL and RUNWAYML_API_SECRET
itself; tests/it/runway_sdk.rs starts the simulator and passes them, plus

  SIM_ASSET_MP4   path of the MP4 the simulator serves (assets/sample.mp4)

Run it with .venv-test/bin/python (scripts/setup-python.sh makes it). Exits non-zero on failure.
"""

import base64
import os
import struct
import sys
import time
import urllib.request
import zlib

import runwayml
from runwayml import RunwayML

with open(os.environ["SIM_ASSET_MP4"], "rb") as f:
    MP4 = f.read()


def png(width: int, height: int) -> bytes:
    """A black RGB PNG, built by hand (no PIL)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x00" * (width * 3) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def fetch(url: str) -> bytes:
    # No key: the media origin needs none (and refuses one).
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def check(condition: bool, what: str) -> None:
    if not condition:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


client = RunwayML(max_retries=0)

# Text to video, polled by hand with tasks.retrieve.
created = client.text_to_video.create(
    model="gen4.5", prompt_text="a red fox in the snow", ratio="1280:720", duration=5
)
check(created.estimated_cost.credits == 60, f"gen4.5 5 s costs 60 credits, got {created}")
seen = []
deadline = time.time() + 30
while time.time() < deadline:
    task = client.tasks.retrieve(created.id)
    if not seen or seen[-1] != task.status:
        seen.append(task.status)
    if task.status in ("SUCCEEDED", "FAILED"):
        break
    if task.status == "RUNNING":
        check(0.0 <= task.progress <= 1.0, f"progress in 0..1: {task.progress}")
    time.sleep(0.05)
check(seen[0] == "PENDING" and "RUNNING" in seen, f"statuses seen: {seen}")
check(task.status == "SUCCEEDED", f"the task succeeded: {task}")
check(task.cost.credits == 60, f"final cost: {task.cost}")
check(fetch(task.output[0]) == MP4, "the output URL serves the video")
print("text_to_video + tasks.retrieve: ok", seen)

# Image to video with a data URI, then the SDK's own polling helper.
uri = "data:image/png;base64," + base64.b64encode(png(64, 36)).decode()
i2v = client.image_to_video.create(
    model="gen4_turbo", prompt_image=uri, prompt_text="the fox runs", ratio="1280:720", duration=5
)
done = i2v.wait_for_task_output(timeout=60)
check(done.status == "SUCCEEDED", f"wait_for_task_output: {done}")
check(fetch(done.output[0]) == MP4, "the image-to-video output")
print("image_to_video + wait_for_task_output: ok")

# Veo 3.1 with a first frame as an array entry.
veo = client.image_to_video.create(
    model="veo3.1",
    prompt_image=[{"uri": uri, "position": "first"}],
    ratio="1920:1080",
    duration=4,
    audio=True,
)
check(veo.estimated_cost.credits == 160, f"veo3.1 4 s with audio: {veo}")

# Delete: 204, then the task is gone.
client.tasks.delete(veo.id)
try:
    client.tasks.retrieve(veo.id)
    check(False, "a deleted task must not be found")
except runwayml.NotFoundError as e:
    check(e.status_code == 404 and e.body["error"] == "Could not find Task", f"404 body: {e.body}")
print("delete: ok")

# Errors: an invalid ratio is a 400 with issues naming the field.
try:
    client.text_to_video.create(
        model="gen4.5", prompt_text="x", ratio="1920:1080", duration=5
    )
    check(False, "an invalid ratio must be refused")
except runwayml.BadRequestError as e:
    check(e.status_code == 400, "400")
    check(e.body["error"] == "Validation of body failed", f"error: {e.body}")
    check(any(i["path"] == ["ratio"] for i in e.body["issues"]), f"issues: {e.body}")
try:
    RunwayML(api_key="key_wrong", max_retries=0).tasks.retrieve(created.id)
    check(False, "a wrong key must be refused")
except runwayml.AuthenticationError as e:
    check(e.status_code == 401, "401")
print("errors: ok")

org = client.organization.retrieve()
check(org.credit_balance == 5000, f"credit balance: {org}")
check(org.tier.models["gen4.5"].max_concurrent_generations == 2, f"tier: {org.tier}")
print("organization: ok")
print("runway sdk: all ok")
