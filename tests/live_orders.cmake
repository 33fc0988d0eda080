# live_gateway's order path: intake, safety policy, exposure, OrderService and its admin HTTP,
# in virtual time (SimWorld) with a fake executor.
t26_test(live_orders_test LABELS unit
         SOURCES live_gateway/safety_policy_test.cpp live_gateway/order_intake_test.cpp
                 live_gateway/order_service_test.cpp live_gateway/admin_http_test.cpp
                 live_gateway/shared_control_test.cpp
         LIBS t26_live_gateway t26_sim)

# Two workers in one queue group, random orders, fills, cancels and crash/restarts: the sum of
# what accepted orders hold never passes max_position_size_usd. RC_PARAMS reproduces a run.
t26_test(live_orders_property_test LABELS property
         SOURCES live_gateway/position_limit_property_test.cpp
         LIBS t26_live_gateway t26_sim
         ENV "RC_PARAMS=max_success=25")
