"""Pages of the fibre app: `public` (coverage map, member's communes, open data), `backoffice` (progress, plan, PM
zones, addresses), `imports` (operator files)."""
