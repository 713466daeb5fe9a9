"""Employment-difficulty certification (就业困难人员认定): rules and required materials."""
