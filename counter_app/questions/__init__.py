"""General questions: the knowledge base articles and how a cashier's typing becomes a safe full-text query."""
