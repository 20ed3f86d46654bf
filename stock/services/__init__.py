"""Stock writes: movements, reservations, a card's stock lines, and purchasing's shortages."""
