"""``selector serve``: the decision API on a standard ASGI server (Starlette under uvicorn).

``state`` loads what is served (the compiled engine and the policy folder) and swaps it
whole on reload; ``requests`` reads request bodies and answers them as the CLI would;
``log`` appends the decision log; ``app`` is the Starlette application; ``openapi`` its
document. Only ``app`` imports Starlette, so the rest reads without the ``serve`` extra.
"""
