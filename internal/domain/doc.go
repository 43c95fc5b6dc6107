// Package domain holds the investigation record — forces, teams, officers,
// cases, victims, suspects, actions — and how events change it. No I/O.
package domain
