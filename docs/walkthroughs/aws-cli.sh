# With `npm start` running (Docker runtime: the image is the local one its demo built).
export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=berth AWS_SECRET_ACCESS_KEY=berth
aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }   # AWS CLI before 2.13 (Debian 12: 2.9) ignores AWS_ENDPOINT_URL
SUBNETS=$(aws ec2 describe-subnets --filters Name=default-for-az,Values=true --query 'Subnets[].SubnetId' --output text)
VPC=$(aws ec2 describe-vpcs --filters Name=is-default,Values=true --query 'Vpcs[0].VpcId' --output text)
LB=$(aws elbv2 create-load-balancer --name cli-web --scheme internal --subnets $SUBNETS \
       --query 'LoadBalancers[0].LoadBalancerArn' --output text)
TG=$(aws elbv2 create-target-group --name cli-web --protocol HTTP --port 80 --vpc-id $VPC \
       --health-check-path / --health-check-interval-seconds 5 \
       --query 'TargetGroups[0].TargetGroupArn' --output text)
aws elbv2 modify-target-group-attributes --target-group-arn $TG --attributes Key=deregistration_delay.timeout_seconds,Value=5
aws elbv2 create-listener --load-balancer-arn $LB --protocol HTTP --port 8081 \
  --default-actions Type=forward,TargetGroupArn=$TG
aws ecs register-task-definition --family cli-web --container-definitions \
  '[{"name":"web","image":"berth-test/busybox","memory":64,"portMappings":[{"containerPort":80,"hostPort":0}]}]'
aws ecs create-service --service-name cli-web --task-definition cli-web --desired-count 2 \
  --load-balancers targetGroupArn=$TG,containerName=web,containerPort=80
aws ecs wait services-stable --services cli-web
aws elbv2 describe-target-health --target-group-arn $TG    # the same instance id twice, on two ports, healthy
curl -fsS http://127.0.0.1:8081/
# A new revision (here: one more environment variable), then roll the service to it.
aws ecs register-task-definition --family cli-web --container-definitions \
  '[{"name":"web","image":"berth-test/busybox","memory":64,"environment":[{"name":"APP_VERSION","value":"v2"}],"portMappings":[{"containerPort":80,"hostPort":0}]}]'
aws ecs update-service --service cli-web --task-definition cli-web:2
aws ecs wait services-stable --services cli-web
curl -fsS http://127.0.0.1:8081/cgi-bin/whoami   # {"version":"v2",...}: the new tasks, on new host ports
