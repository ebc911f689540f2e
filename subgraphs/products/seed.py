"""The demo catalogue: 60 products in 6 categories, deterministic and idempotent by SKU."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.kit.database import Database
from subgraphs.products.config import ProductsSettings
from subgraphs.products.domain.records import ProductDraft
from subgraphs.products.domain.service import ProductService

__all__ = ["CATALOGUE", "seed", "seed_catalogue"]

# Seeded ids derive from the SKU so every machine (and every test) sees the same ids.
_IDS = uuid.UUID("5eed0000-0000-4000-8000-000000000002")
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

# sku, name, category, price in cents (USD), stock, description
CATALOGUE: list[tuple[str, str, str, int, int, str]] = [
    ("EL-1001", "Aurora Wireless Headphones", "Electronics", 12999, 40,
     "Over-ear noise-cancelling headphones with 30-hour battery life."),
    ("EL-1002", "Pulse Bluetooth Speaker", "Electronics", 5999, 75,
     "Waterproof portable speaker with deep bass and a 12-hour battery."),
    ("EL-1003", "Nimbus USB-C Charger 65W", "Electronics", 3499, 120,
     "Compact gallium nitride charger for laptops, tablets and phones."),
    ("EL-1004", "Orbit Smartwatch", "Electronics", 19900, 25,
     "Fitness tracking smartwatch with heart-rate sensor and GPS."),
    ("EL-1005", "Lumen E-Reader", "Electronics", 11900, 30,
     "Glare-free 7-inch e-ink display with adjustable warm light."),
    ("EL-1006", "Vector Mechanical Keyboard", "Electronics", 8999, 50,
     "Tenkeyless keyboard with hot-swappable tactile switches."),
    ("EL-1007", "Glide Wireless Mouse", "Electronics", 2999, 90,
     "Ergonomic silent-click mouse with a rechargeable battery."),
    ("EL-1008", "Prism 27-inch 4K Monitor", "Electronics", 32900, 12,
     "IPS monitor with USB-C power delivery and factory colour calibration."),
    ("EL-1009", "Beacon Webcam 1080p", "Electronics", 4999, 60,
     "Full HD webcam with dual microphones and a privacy shutter."),
    ("EL-1010", "Drift Action Camera", "Electronics", 24900, 15,
     "Stabilised 4K action camera, waterproof to 10 metres."),
    ("HK-2001", "Cast Iron Skillet 26cm", "Home & Kitchen", 3999, 45,
     "Pre-seasoned cast iron pan for searing, baking and frying."),
    ("HK-2002", "Pour-Over Coffee Set", "Home & Kitchen", 4499, 35,
     "Glass dripper, carafe and 100 paper filters for slow coffee."),
    ("HK-2003", "Chef's Knife 20cm", "Home & Kitchen", 6999, 28,
     "Forged stainless steel chef's knife with a full tang."),
    ("HK-2004", "Linen Tea Towels (Set of 3)", "Home & Kitchen", 1999, 80,
     "Stonewashed linen towels that dry quickly and soften with use."),
    ("HK-2005", "Ceramic Dinner Plates (Set of 4)", "Home & Kitchen", 4999, 22,
     "Hand-glazed stoneware plates, dishwasher and microwave safe."),
    ("HK-2006", "Electric Kettle 1.7L", "Home & Kitchen", 3999, 55,
     "Fast-boil kettle with temperature presets for green and black tea."),
    ("HK-2007", "Bamboo Cutting Board", "Home & Kitchen", 2499, 70,
     "Large reversible bamboo board with a juice groove."),
    ("HK-2008", "Stainless Steel Mixing Bowls", "Home & Kitchen", 2999, 40,
     "Nesting set of five bowls with non-slip silicone bases."),
    ("HK-2009", "Scented Soy Candle", "Home & Kitchen", 1599, 100,
     "Cedar and vanilla candle, 45-hour burn time, cotton wick."),
    ("HK-2010", "Wool Throw Blanket", "Home & Kitchen", 7999, 18,
     "Merino wool throw in a herringbone weave, 130 x 170 cm."),
    ("BK-3001", "The Pragmatic Gardener", "Books", 2299, 65,
     "A practical guide to growing vegetables in small spaces."),
    ("BK-3002", "Distributed Systems in Practice", "Books", 4999, 30,
     "Consensus, replication and failure handling, with worked examples."),
    ("BK-3003", "The Silent Harbour", "Books", 1599, 85,
     "A slow-burning mystery set in a fishing village on a northern coast."),
    ("BK-3004", "Cooking with Fire", "Books", 3499, 40,
     "Recipes and techniques for grilling, smoking and open-flame cooking."),
    ("BK-3005", "A Short History of Maps", "Books", 2799, 25,
     "How cartography shaped exploration, trade and empire."),
    ("BK-3006", "Learning GraphQL", "Books", 3999, 50,
     "Schemas, resolvers and federation for API developers."),
    ("BK-3007", "Stars Over the Desert", "Books", 1899, 45,
     "A memoir of a year spent at a remote astronomical observatory."),
    ("BK-3008", "Watercolour for Beginners", "Books", 2499, 35,
     "Step-by-step lessons on washes, layering and colour mixing."),
    ("BK-3009", "The Mindful Runner", "Books", 1999, 55,
     "Training plans and mental techniques for long-distance running."),
    ("BK-3010", "Children's Atlas of Animals", "Books", 1799, 60,
     "Illustrated atlas of wildlife on every continent, for ages 6 to 10."),
    ("SP-4001", "Trail Running Shoes", "Sports & Outdoors", 12999, 30,
     "Lightweight trail shoes with a grippy lugged outsole."),
    ("SP-4002", "Yoga Mat 6mm", "Sports & Outdoors", 3499, 70,
     "Non-slip natural rubber yoga mat with an alignment guide."),
    ("SP-4003", "Insulated Water Bottle 750ml", "Sports & Outdoors", 2799, 150,
     "Double-walled steel bottle keeps drinks cold for 24 hours."),
    ("SP-4004", "Two-Person Dome Tent", "Sports & Outdoors", 18999, 10,
     "Three-season tent with a full rain fly, weighing 2.1 kg."),
    ("SP-4005", "Adjustable Dumbbells 20kg", "Sports & Outdoors", 15999, 8,
     "Pair of quick-change dumbbells adjustable from 2 to 20 kg."),
    ("SP-4006", "Cycling Helmet", "Sports & Outdoors", 6999, 40,
     "Ventilated road helmet with rotational impact protection."),
    ("SP-4007", "Hiking Daypack 25L", "Sports & Outdoors", 7999, 35,
     "Water-resistant daypack with a ventilated back panel."),
    ("SP-4008", "Resistance Bands Set", "Sports & Outdoors", 1999, 90,
     "Five latex bands from light to extra-heavy resistance."),
    ("SP-4009", "Camping Headlamp", "Sports & Outdoors", 2499, 80,
     "Rechargeable 400-lumen headlamp with a red night mode."),
    ("SP-4010", "Foam Roller", "Sports & Outdoors", 2299, 60,
     "High-density foam roller for muscle recovery, 45 cm."),
    ("CL-5001", "Organic Cotton T-Shirt", "Clothing", 2499, 200,
     "Heavyweight crew-neck tee in organic cotton, regular fit."),
    ("CL-5002", "Merino Wool Sweater", "Clothing", 8999, 40,
     "Fine-knit merino sweater that regulates temperature."),
    ("CL-5003", "Waterproof Rain Jacket", "Clothing", 14999, 25,
     "Breathable three-layer shell with taped seams and a hood."),
    ("CL-5004", "Slim Fit Chinos", "Clothing", 5999, 55,
     "Stretch cotton chinos with a tapered leg."),
    ("CL-5005", "Denim Jacket", "Clothing", 7999, 30,
     "Classic trucker jacket in rigid indigo denim."),
    ("CL-5006", "Wool Beanie", "Clothing", 1999, 120, "Ribbed wool beanie with a fold-over cuff."),
    ("CL-5007", "Leather Belt", "Clothing", 3999, 45,
     "Full-grain leather belt with a brushed steel buckle."),
    ("CL-5008", "Running Shorts", "Clothing", 2999, 75,
     "Lightweight shorts with a built-in liner and zip pocket."),
    ("CL-5009", "Linen Shirt", "Clothing", 5499, 35,
     "Relaxed linen shirt, breathable for warm days."),
    ("CL-5010", "Thermal Socks (3 Pairs)", "Clothing", 1799, 110,
     "Cushioned wool-blend socks for hiking and cold weather."),
    ("TY-6001", "Wooden Building Blocks", "Toys & Games", 3499, 40,
     "Set of 100 natural beech blocks in assorted shapes."),
    ("TY-6002", "Strategy Board Game: Harbours", "Toys & Games", 4499, 30,
     "Trade and build ports in this game for 2 to 4 players."),
    ("TY-6003", "1000-Piece Jigsaw Puzzle", "Toys & Games", 1999, 50,
     "A panoramic mountain landscape in 1000 interlocking pieces."),
    ("TY-6004", "Remote Control Car", "Toys & Games", 5999, 20,
     "Off-road RC car with four-wheel drive and a rechargeable battery."),
    ("TY-6005", "Plush Bear", "Toys & Games", 2499, 65,
     "Soft plush teddy bear, 35 cm, machine washable."),
    ("TY-6006", "Card Game: Quick Draw", "Toys & Games", 1299, 90,
     "Fast-paced family card game for 3 to 8 players."),
    ("TY-6007", "Science Kit: Crystals", "Toys & Games", 2999, 35,
     "Grow seven crystal specimens with guided experiments."),
    ("TY-6008", "Wooden Train Set", "Toys & Games", 6999, 15,
     "Forty-piece train set with bridges, tracks and carriages."),
    ("TY-6009", "Kite: Delta Flyer", "Toys & Games", 2199, 45,
     "Easy-launch delta kite with a 30-metre line."),
    ("TY-6010", "Magnetic Drawing Board", "Toys & Games", 1599, 70,
     "Mess-free drawing board with a stylus and stamps."),
]


def seed_id(sku: str) -> str:
    return str(uuid.uuid5(_IDS, sku))


async def seed_catalogue(session: AsyncSession, service: ProductService) -> int:
    """Insert the catalogue products whose SKU is absent; returns how many were added."""
    present = await service.repository.skus_present(session, [row[0] for row in CATALOGUE])
    added = 0
    for index, (sku, name, category, price, stock, description) in enumerate(CATALOGUE):
        if sku in present:
            continue
        draft = ProductDraft(sku, name, description, price, "USD", category, stock)
        created = _EPOCH + timedelta(hours=index)  # NEWEST has a meaningful, fixed order
        await service.create(session, draft, product_id=seed_id(sku), created_at=created)
        added += 1
    return added


async def seed(settings: ProductsSettings) -> None:
    """The CLI's ``seed`` command: load the catalogue into the configured database."""
    database = Database.of(settings)
    try:
        async with database.transaction() as session:
            added = await seed_catalogue(session, ProductService())
        print(f"products: seeded {added} of {len(CATALOGUE)} demo products")
    finally:
        await database.dispose()
