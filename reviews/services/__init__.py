"""Actions and computations of the rhythm, one concept per module: `rhythm` (the schedule),
`agendas` (what each level looks at), `reviews` (open, close), `decisions` (make, done, drop,
overdue), `effect` (did it work?), `health` (model health)."""
