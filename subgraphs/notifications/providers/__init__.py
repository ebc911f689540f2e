"""Provider adapters over httpx (SendGrid email, Twilio SMS), wired in app.py."""
