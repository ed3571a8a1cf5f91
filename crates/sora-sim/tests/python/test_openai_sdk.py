"""The simulator's Videos API, driven by the official `openai` Python SDK (pinned 3.57.0).

Proves the simulator speaks the real wire format: the SDK sends create as multipart/form-data,
polls honouring `openai-poll-after-ms`, downloads with `Accept: application/binary`, and parses
every answer into its own types. Starts nothing itself: tests/sim_openai_sdk.rs starts the
simulator and passes

  SIM_BASE_URL    http://127.0.0.1:PORT
  SIM_OPENAI_KEY  the key the OpenAI base accepts
  SIM_AZURE_KEY   the key the Azure base accepts
  SIM_ASSET_MP4   path of the MP4 the simulator serves (assets/sample.mp4)
  SIM_ASSET_WEBP  path of the WebP thumbnail it serves (assets/thumbnail.webp)

Run it with .venv-test/bin/python (scripts/setup-python.sh makes it). Exits non-zero on failure.
"""

import os
import struct
import sys
import tempfile
import warnings
import zlib

import openai

# Every Videos method is marked deprecated (the Sora API shuts down on 2026-09-24).
warnings.simplefilter("ignore", DeprecationWarning)

BASE = os.environ["SIM_BASE_URL"].rstrip("/")
OPENAI_KEY = os.environ["SIM_OPENAI_KEY"]
AZURE_KEY = os.environ["SIM_AZURE_KEY"]
with open(os.environ["SIM_ASSET_MP4"], "rb") as f:
    MP4 = f.read()
with open(os.environ["SIM_ASSET_WEBP"], "rb") as f:
    WEBP = f.read()


def png(width: int, height: int) -> bytes:
    """A black RGB PNG, built by hand (no PIL)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = (b"\x00" + b"\x00" * (width * 3)) * height
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def check_base(name: str, client: openai.OpenAI, model: str, tmp: str) -> None:
    print(f"[{name}] create")
    video = client.videos.create(prompt=f"{name}: a lighthouse at dusk", model=model, seconds="4", size="720x1280")
    assert video.object == "video", video
    assert video.id.startswith("video_"), video.id
    assert video.status in ("queued", "in_progress"), video.status
    assert video.model == model and video.seconds == "4" and video.size == "720x1280", video
    assert video.completed_at is None and video.error is None, video

    print(f"[{name}] poll {video.id}")
    done = client.videos.poll(video.id)
    assert done.status == "completed", done
    assert done.progress == 100, done
    assert done.completed_at is not None and done.expires_at is not None, done
    assert done.expires_at > done.created_at, done

    again = client.videos.retrieve(video.id)
    assert again.id == video.id and again.status == "completed", again

    print(f"[{name}] create_and_poll with an input_reference file part")
    with_ref = client.videos.create_and_poll(
        prompt=f"{name}: animate this",
        model=model,
        seconds="8",
        size="720x1280",
        input_reference=("reference.png", png(720, 1280), "image/png"),
    )
    assert with_ref.status == "completed" and with_ref.seconds == "8", with_ref

    try:
        client.videos.create(
            prompt="wrong size", model=model, size="720x1280",
            input_reference=("wide.png", png(1280, 720), "image/png"),
        )
        raise AssertionError("a reference image of the wrong size was accepted")
    except openai.BadRequestError as e:
        assert "must match the requested width and height" in str(e), e

    print(f"[{name}] list")
    page = client.videos.list(limit=10)
    ids = [v.id for v in page.data]
    assert video.id in ids and with_ref.id in ids, ids
    assert ids[0] == with_ref.id, "newest first"
    first = client.videos.list(limit=1, order="asc")
    assert len(first.data) == 1 and first.has_more, first
    assert first.data[0].id == video.id, first

    print(f"[{name}] download_content")
    path = os.path.join(tmp, f"{name}.mp4")
    client.videos.download_content(video.id, variant="video").write_to_file(path)
    with open(path, "rb") as f:
        assert f.read() == MP4, "downloaded MP4 differs from the asset"
    assert client.videos.download_content(video.id).content == MP4
    thumb = client.videos.download_content(video.id, variant="thumbnail")
    assert thumb.content == WEBP, "thumbnail differs from the WebP asset"
    assert thumb.response.headers["content-type"] == "image/webp", thumb.response.headers
    sprite = client.videos.download_content(video.id, variant="spritesheet")
    assert sprite.response.headers["content-type"] == "image/jpeg"
    assert sprite.content.startswith(b"\xff\xd8"), "spritesheet is not a JPEG"

    print(f"[{name}] remix")
    remix = client.videos.remix(video.id, prompt="the same, in the rain")
    assert remix.remixed_from_video_id == video.id, remix
    remix = client.videos.poll(remix.id)
    assert remix.status == "completed", remix

    print(f"[{name}] delete")
    for v in (video, with_ref, remix):
        deleted = client.videos.delete(v.id)
        assert deleted.deleted is True and deleted.id == v.id and deleted.object == "video.deleted", deleted
    try:
        client.videos.retrieve(video.id)
        raise AssertionError("a deleted video is still there")
    except openai.NotFoundError:
        pass


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        check_base("openai", openai.OpenAI(base_url=f"{BASE}/v1", api_key=OPENAI_KEY, max_retries=0), "sora-2", tmp)
        # Microsoft's own Sora 2 samples: the plain OpenAI client on {endpoint}/openai/v1/; the
        # SDK sends the key as a Bearer token, which Azure accepts.
        check_base("azure", openai.OpenAI(base_url=f"{BASE}/openai/v1/", api_key=AZURE_KEY, max_retries=0), "sora-2", tmp)

    print("[errors] wrong key, unknown model, unknown deployment, bad size")
    try:
        openai.OpenAI(base_url=f"{BASE}/v1", api_key="sk-wrong-key-0123456789", max_retries=0).videos.list()
        raise AssertionError("a wrong key was accepted")
    except openai.AuthenticationError as e:
        assert e.code == "invalid_api_key", e.body
        assert "sk-wrong-key-0123456789" not in str(e), "the whole key is shown"
    client = openai.OpenAI(base_url=f"{BASE}/v1", api_key=OPENAI_KEY, max_retries=0)
    try:
        client.videos.create(prompt="x", model="sora-9")
        raise AssertionError("an unknown model was accepted")
    except openai.NotFoundError as e:
        assert e.code == "model_not_found", e.body
    try:
        client.videos.create(prompt="x", model="sora-2", size="1792x1024")
        raise AssertionError("a sora-2-pro size was accepted for sora-2")
    except openai.BadRequestError as e:
        assert e.param == "size" and "'720x1280' and '1280x720'" in str(e), e.body
    azure = openai.OpenAI(base_url=f"{BASE}/openai/v1/", api_key=AZURE_KEY, max_retries=0)
    try:
        azure.videos.create(prompt="x", model="no-such-deployment")
        raise AssertionError("an unknown deployment was accepted")
    except openai.NotFoundError as e:
        assert e.type == "video_generation_user_error", e.body
        assert "'no-such-deployment'" in str(e), e
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
