"""The fake Graph API itself: it refuses what Meta refuses (so "zero violations" means something)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.whatsapp.fake_graph import VERSION, FakeGraph, check_message, fixture, serve

TO = "6281234567890"


def interactive(kind: str, action: dict[str, Any], body: str = "Pilih:") -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": TO, "type": "interactive",
            "interactive": {"type": kind, "body": {"text": body}, "action": action}}


def buttons(*titles: str) -> dict[str, Any]:
    return interactive("button", {"buttons": [{"type": "reply", "reply": {"id": f"b{n}", "title": t}}
                                              for n, t in enumerate(titles)]})


def rows(count: int, title: str = "Baris", description: str | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {"title": title} | ({"description": description} if description is not None else {})
    return interactive("list", {"button": "Lihat pilihan",
                                "sections": [{"rows": [{"id": f"r{n}", **row} for n in range(count)]}]})


def test_the_documented_limits_are_checked() -> None:
    assert check_message(buttons("Ya", "Tidak")) == []
    assert check_message(buttons("A", "B", "C", "D"))  # 4 buttons
    assert check_message(buttons("x" * 21))  # title over 20
    assert check_message(buttons("Sama", "sama"))  # titles must differ
    assert check_message(rows(10, "x" * 24, "y" * 72)) == []
    assert check_message(rows(11))  # 11 rows
    assert check_message(rows(1, "x" * 25))
    assert check_message(rows(1, "x", "y" * 73))
    assert check_message(interactive("button", buttons("Ya")["interactive"]["action"], body="x" * 1025))
    text = {"messaging_product": "whatsapp", "to": TO, "type": "text", "text": {"body": "x" * 4096}}
    assert check_message(text) == []
    assert check_message({**text, "text": {"body": "x" * 4097}})
    assert check_message({**text, "text": {"body": ""}})
    template = {"messaging_product": "whatsapp", "to": TO, "type": "template", "template": {
        "name": "kriya_reminder", "language": {"code": "id"},
        "components": [{"type": "body", "parameters": [{"type": "text", "text": "baris\nbaru"}]}]}}
    assert check_message(template)  # no newline in a parameter


async def test_it_answers_in_the_documented_shapes() -> None:
    fake = FakeGraph()
    async with serve(fake.app()) as url, httpx.AsyncClient(base_url=f"{url}/{VERSION}") as client:
        headers = {"authorization": f"Bearer {fake.token}"}
        ok = await client.post(f"/{fake.phone_number_id}/messages", json=buttons("Ya"), headers=headers)
        assert ok.status_code == 200
        assert ok.json().keys() == fixture("send_response_ok.json").keys()
        assert ok.json()["messages"][0]["id"].startswith("wamid.")

        bad = await client.post(f"/{fake.phone_number_id}/messages", json=buttons("x" * 21), headers=headers)
        assert bad.status_code == 400
        error = bad.json()["error"]
        assert error["code"] == 100 and error["type"] == "OAuthException"
        assert error["error_data"]["messaging_product"] == "whatsapp" and "fbtrace_id" in error
        assert fake.violations and len(fake.sent) == 1

        fake.fail_next(131047)
        closed = await client.post(f"/{fake.phone_number_id}/messages", json=buttons("Ya"), headers=headers)
        assert closed.json() == fixture("send_error_131047_CONSTRUCTED.json")
        token = await client.post(f"/{fake.phone_number_id}/messages", json=buttons("Ya"),
                                  headers={"authorization": "Bearer wrong"})
        assert token.status_code == 401 and token.json()["error"]["code"] == 190


async def test_media_uploads_are_checked_as_documented() -> None:
    fake = FakeGraph()
    async with serve(fake.app()) as url, httpx.AsyncClient(base_url=f"{url}/{VERSION}") as client:
        headers = {"authorization": f"Bearer {fake.token}"}
        png = b"\x89PNG\r\n\x1a\n" + b"0" * 100

        async def upload(content: bytes, kind: str = "image/png", product: str = "whatsapp") -> httpx.Response:
            return await client.post(f"/{fake.phone_number_id}/media", headers=headers,
                                     data={"messaging_product": product, "type": kind},
                                     files={"file": ("tiket.png", content, kind)})

        ok = await upload(png)
        assert ok.status_code == 200 and set(ok.json()) == {"id"}
        media_id = ok.json()["id"]
        assert fake.media[media_id].content == png and fake.media[media_id].media_type == "image/png"
        too_big = await upload(b"0" * (5 * 1024 * 1024 + 1))
        assert too_big.status_code == 400 and too_big.json()["error"]["code"] == 131053
        assert (await upload(png, kind="image/gif")).json()["error"]["code"] == 131053
        assert (await upload(png, product="sms")).json()["error"]["code"] == 100
        image = {"messaging_product": "whatsapp", "to": TO, "type": "image", "image": {"id": media_id, "caption": "x"}}
        assert (await client.post(f"/{fake.phone_number_id}/messages", json=image, headers=headers)).status_code == 200
        assert fake.media_of(fake.sent[-1]).content == png
        unknown = {**image, "image": {"id": "999"}}
        assert (await client.post(f"/{fake.phone_number_id}/messages", json=unknown, headers=headers)).status_code == 400
        as_document = {**image, "type": "document", "document": {"id": media_id}}
        del as_document["image"]
        assert (await client.post(f"/{fake.phone_number_id}/messages", json=as_document,
                                  headers=headers)).status_code == 400  # a PNG upload is no document
    assert check_message({**image, "image": {"id": "1", "caption": "x" * 1025}})  # caption over 1024
    assert check_message({**image, "image": {"id": "1", "link": "https://example.com/a.png"}})  # one of them
