from gateway.sdl import SDL_PATH, current_sdl


def test_schema_graphql_is_up_to_date() -> None:
    """Regenerate with `.venv/bin/python -m gateway.sdl` after changing the schema."""
    assert SDL_PATH.read_text(encoding="utf-8") == current_sdl()
