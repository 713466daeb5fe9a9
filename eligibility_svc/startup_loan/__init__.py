"""Startup guaranteed loan (创业担保贷款): eligibility rules and the interest-subsidy schedule."""
