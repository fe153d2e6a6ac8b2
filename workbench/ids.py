"""Global ids are opaque to the pages; only a dev token needs the plain UUID inside one."""

import base64


def local_id(global_id: str) -> str:
    return base64.b64decode(global_id).decode().partition(":")[2]
