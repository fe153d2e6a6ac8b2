"""Statistics payloads: the charity side of the linkage statistics."""

from decimal import Decimal

from pydantic import BaseModel, Field


class PlatformPledges(BaseModel):
    platform_id: str
    pledges: int


class ResourceStats(BaseModel):
    region: str
    funds_raised: Decimal = Field(
        description="Donations received in the period by the region's own funds (a fund whose region lies "
        "within the region asked); pledged money counts once its wish has received it"
    )
    funds_disbursed: Decimal = Field(description="Paid out in the period by the region's own funds")
    donations: int = Field(description="Donation entries of the region's own funds in the period")
    drawable_funds_raised: Decimal = Field(
        description="Donations in the period to funds of a wider region (county, league, region-wide) that "
        "the region may draw on: not its own, never added to its own, counted as their own region's"
    )
    drawable_funds_disbursed: Decimal = Field(description="Paid out in the period by those wider funds")
    offers_published: int = Field(description="Offers (not drafts) published in the period serving the region")
    pledges: int = Field(description="Pledges made in the period for needs of the region")
    foundations: int = Field(
        description="Verified community foundations with a service region within or containing the region"
    )
    by_platform: list[PlatformPledges] = Field(
        default_factory=list, description="Pledges by the platform of the need (funds are a region's, not a platform's)"
    )
