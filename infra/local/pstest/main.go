// Command pstest serves Google's in-memory Pub/Sub fake (cloud.google.com/go/pubsub/pstest)
// on a TCP address so that any Pub/Sub client can reach it through PUBSUB_EMULATOR_HOST.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"syscall"

	"cloud.google.com/go/pubsub/pstest"
)

func main() {
	host := flag.String("host", "127.0.0.1", "address to listen on")
	port := flag.Int("port", 8085, "port to listen on")
	flag.Parse()

	srv := pstest.NewServerWithAddress(fmt.Sprintf("%s:%d", *host, *port))
	defer func() { _ = srv.Close() }()
	// The line below is what callers wait for: the server accepts connections from now on.
	fmt.Printf("pstest listening on %s\n", srv.Addr)
	_ = os.Stdout.Sync()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	sig := <-stop
	log.Printf("pstest: %s received, stopping", sig)
}
