# With `npm start` running (Docker runtime), from the checkout; `npx berth` runs the checkout's berth.
npx berth apply -f examples/stack.yaml --dry-run   # the plan: + create, ~ update, - delete, adopt
npx berth apply -f examples/stack.yaml             # apply it; a second run prints "No changes"
npx berth apply -f examples/stack.yaml
npx berth services; npx berth ps; npx berth targets web
npx berth deploy web --image berth-test/busybox:latest   # live Desired/Running/Healthy/Draining; exit 0 COMPLETED, 3 FAILED/rolled back
npx berth scale web 3
npx berth events web -n 10
npx berth rollback web
curl -fsS http://127.0.0.1:8082/
