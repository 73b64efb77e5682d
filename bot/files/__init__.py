"""The files officials bring: roster, scores, scheme, rules, holidays; and the ledger workbook."""
