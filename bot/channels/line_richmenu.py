"""LINE's rich menu: four buttons under the chat (メニュー, ジョブ・カード, 予約, ヘルプ).

The 2500×843 image is drawn here from the labels, in IPAexGothic (the font the documents
use), so changing a label needs no designer. ``jobcard line richmenu --install`` creates the
menu, uploads the image, makes it everyone's default and removes the menus it replaces.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
from dataclasses import dataclass
from typing import Any

from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    RichMenuRequest,
)

from bot.channels.line_api import api_client
from bot.config import Settings
from bot.documents.typography import font_path
from bot.engine import OpenSection, RunCommand, encode

NAME = "jobcard-coach"
WIDTH, HEIGHT = 2500, 843  # LINE's "compact" full-width size
BACKGROUND = (255, 255, 255)
INK = (33, 37, 41)
ACCENT = (6, 199, 85)  # LINE green, for the line under each label
RULE = (222, 226, 230)


@dataclass(frozen=True, slots=True)
class MenuButton:
    """One area of the menu: its label, a line under it and the payload it sends."""

    label: str
    note: str
    payload: str


BUTTONS = (
    MenuButton("メニュー", "Menu", encode(RunCommand("menu"))),
    MenuButton("ジョブ・カード", "Job Card", encode(RunCommand("card"))),
    MenuButton("予約", "Booking", encode(OpenSection("booking"))),
    MenuButton("ヘルプ", "Help", encode(RunCommand("help"))),
)


def menu_image(buttons: tuple[MenuButton, ...] = BUTTONS) -> bytes:
    """The menu's PNG: one column per button, the label large and centred."""
    from PIL import Image, ImageDraw, ImageFont  # Pillow comes with matplotlib

    picture = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(picture)
    big = ImageFont.truetype(str(font_path()), 120)
    small = ImageFont.truetype(str(font_path()), 64)
    width = WIDTH // len(buttons)
    for index, button in enumerate(buttons):
        left = index * width
        if index:
            draw.line([(left, 80), (left, HEIGHT - 80)], fill=RULE, width=6)
        centre = left + width // 2
        size = 120
        while draw.textlength(button.label, font=big) > width - 80 and size > 60:
            size -= 10
            big = ImageFont.truetype(str(font_path()), size)
        draw.text((centre, HEIGHT // 2 - 60), button.label, font=big, fill=INK, anchor="mm")
        draw.line([(centre - 90, HEIGHT // 2 + 40), (centre + 90, HEIGHT // 2 + 40)], ACCENT, 10)
        draw.text((centre, HEIGHT // 2 + 140), button.note, font=small, fill=INK, anchor="mm")
        big = ImageFont.truetype(str(font_path()), 120)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return out.getvalue()


def menu_request(buttons: tuple[MenuButton, ...] = BUTTONS) -> dict[str, Any]:
    """The rich menu object: four equal areas, each a postback with the button's payload."""
    width = WIDTH // len(buttons)
    areas = [
        {
            "bounds": {"x": index * width, "y": 0, "width": width, "height": HEIGHT},
            "action": {
                "type": "postback",
                "label": button.label,
                "data": button.payload,
                "displayText": button.label,
            },
        }
        for index, button in enumerate(buttons)
    ]
    return {
        "size": {"width": WIDTH, "height": HEIGHT},
        "selected": True,
        "name": NAME,
        "chatBarText": "メニュー / Menu",
        "areas": areas,
    }


async def install(client: AsyncApiClient) -> str:
    """Create the menu with its image, make it the default, remove the ones it replaces."""
    api = AsyncMessagingApi(client)
    old = await api.get_rich_menu_list()
    created = await api.create_rich_menu(RichMenuRequest.from_dict(menu_request()))
    menu_id = str(created.rich_menu_id)
    await AsyncMessagingApiBlob(client).set_rich_menu_image(
        menu_id, body=bytearray(menu_image()), _headers={"Content-Type": "image/png"}
    )
    await api.set_default_rich_menu(menu_id)
    for menu in old.richmenus or []:
        if menu.name == NAME and menu.rich_menu_id != menu_id:
            await api.delete_rich_menu(menu.rich_menu_id)
    return menu_id


def richmenu(settings: Settings, args: argparse.Namespace) -> int:
    """``jobcard line richmenu``: ``--image FILE`` writes the picture, ``--install`` sets it up."""
    if args.image:
        args.image.write_bytes(menu_image())
        print(args.image)
    if not args.install:
        if not args.image:
            print("jobcard: say --install (or --image FILE to look at it first)", file=sys.stderr)
            return 2
        return 0

    async def go() -> str:
        async with api_client(settings) as client:
            return await install(client)

    try:
        menu_id = asyncio.run(go())
    except ApiException as exc:
        print(f"jobcard: LINE refused the rich menu ({exc.status})", file=sys.stderr)
        return 1
    print(f"rich menu {menu_id} installed as everyone's default")
    return 0
