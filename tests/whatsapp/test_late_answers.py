"""A late Graph API answer: the client waits for it rather than giving up and sending the message again."""

from __future__ import annotations

from bot.channels.whatsapp_api import GraphClient
from tests.whatsapp.fake_graph import VERSION, FakeGraph, serve


async def test_a_late_graph_answer_is_waited_for_not_resent() -> None:
    """The Graph API takes 16 s to answer a message it accepted (the old client gave up after 15 s)."""
    fake = FakeGraph(token="t", phone_number_id="100", answer_delay=16.0)
    async with serve(fake.app()) as url:
        api = GraphClient(f"{url}/{VERSION}", "t", "100")
        await api.open()
        try:
            message_id = await api.send_message({"messaging_product": "whatsapp", "to": "6281234567890",
                                                 "type": "text", "text": {"body": "Halo"}})
        finally:
            await api.close()
    assert [s.id for s in fake.sent] == [message_id]
