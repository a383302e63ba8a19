package main

import (
	"context"
	"errors"

	"wirewatch/internal/alert"
)

// cmdAlerts is `wirewatch alerts ...`: saved searches through a running wirewatch's API.
func cmdAlerts(ctx context.Context, e *env, args []string) error {
	err := alert.Command(ctx, args, e.stdout, e.stderr)
	if errors.Is(err, alert.ErrUsage) {
		// Command has printed the usage already.
		return usageError{err}
	}
	return err
}
