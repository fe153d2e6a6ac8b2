"""Write the schema's SDL to gateway/schema.graphql (`python -m gateway.sdl`); a test keeps it current."""

from pathlib import Path

from gateway.schema import build_schema
from services.common.settings import Settings

SDL_PATH = Path(__file__).with_name("schema.graphql")


def current_sdl() -> str:
    return build_schema(Settings(environment="production", jwt_secret="sdl", pii_key="sdl")).as_str() + "\n"


if __name__ == "__main__":
    SDL_PATH.write_text(current_sdl(), encoding="utf-8")
    print(f"wrote {SDL_PATH}")
