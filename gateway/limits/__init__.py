"""Limits on what one GraphQL document may ask, each computed in time linear in the document.

A fragment spread twice in each of twenty fragments expands to a million fields; walking the
expansion (as graphql-core's and Strawberry's limiters do) is what froze the gateway. Here every
fragment is measured once, in dependency order, and its figures are reused wherever it is spread.
The limits run before graphql-core's own validation, which is then bounded too.
"""
