"""The GraphQL gateway: one Strawberry schema over the case, resources and volunteers services."""
