"""Payment batches, bank files and bank results: every claim and period paid at most once (PAY-ONCE)."""
