"""Who the follow-up service knows: a person seen through a registration or an assistance record."""
